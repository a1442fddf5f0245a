import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { Client } from 'pg';

/** The first key of the session locks by which dispatchers show they are alive ('HRLD'). */
const PRESENCE_LOCKS = 0x48524c44;

/**
 * SQL: the dispatchers present now, as the `objid` of their locks — compare with
 * `presenceKey(claimed_by)`. A dispatcher is present while the database session holding its lock
 * lives: a process killed with SIGKILL loses it the moment its socket closes, long before its
 * leases run out.
 */
export const PRESENT_DISPATCHERS = `SELECT objid FROM pg_locks
  WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid = ${PRESENCE_LOCKS}::oid
    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

/** SQL: the key of a dispatcher's presence lock, from the expression naming it. */
export function presenceKey(worker: string): string {
  return `hashtext(${worker})::oid`;
}

/**
 * Holds a dispatcher's presence lock on a connection of its own, and takes it again whenever
 * that connection is lost. While it is lost, other instances may reap this one's claims early:
 * that is safe — a claim taken back cannot be opened by its old holder, and an open attempt is
 * settled by whichever word comes first — only wasteful.
 */
export class Presence {
  private readonly logger = new Logger('Dispatch');
  private client: Client | undefined;
  private held = false;
  private closed = false;

  constructor(
    private readonly url: string | undefined,
    private readonly worker: string,
  ) {}

  /** Resolves once the lock is held; keeps it until `release`. */
  async hold(): Promise<void> {
    const client = new Client({ connectionString: this.url });
    client.on('error', (error) => this.lost(client, error));
    // A server that goes away closes the socket, with or without an error first.
    client.on('end', () => this.lost(client, new Error('presence connection ended')));
    this.client = client;
    await client.connect();
    await client.query('SELECT pg_advisory_lock($1, hashtext($2))', [PRESENCE_LOCKS, this.worker]);
    this.held = true;
    if (this.closed) await client.end();
  }

  async release(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => undefined);
  }

  private lost(client: Client, error: Error): void {
    if (this.closed || client !== this.client || !this.held) return;
    this.held = false;
    this.logger.warn({ err: error }, 'presence connection lost; taking the lock again');
    void client.end().catch(() => undefined);
    void this.retake();
  }

  private async retake(): Promise<void> {
    for (let pause = 250; !this.closed; pause = Math.min(pause * 2, 5_000)) {
      try {
        await this.hold();
        return;
      } catch {
        await sleep(pause);
      }
    }
  }
}
