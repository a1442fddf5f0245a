import { AuditNote } from '../audit/audit.recorder';
import { Principal } from './role';

declare module 'http' {
  interface IncomingMessage {
    principal?: Principal;
    audit?: AuditNote;
  }
}
