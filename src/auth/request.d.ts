import { AuditNote } from '../audit/audit.recorder';
import { ConsoleSession } from './console-sessions';
import { Principal } from './role';

declare module 'http' {
  interface IncomingMessage {
    principal?: Principal;
    consoleSession?: ConsoleSession;
    audit?: AuditNote;
    /** An idempotent upload's file, read before its key was checked (src/idempotency). */
    idempotentFile?: Buffer;
  }
}
