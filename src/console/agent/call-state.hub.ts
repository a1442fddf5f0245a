import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { CALL_STATE_CHANNEL, CallStateNotice } from '../../delivery-reports/call-state';

type Watcher = (notice: CallStateNotice) => void;

/**
 * The agent desk's ear on Twilio's call status callbacks: one LISTEN connection per instance,
 * opened when the first page watches a call and kept, fanning each notice out to the pages
 * watching that customer's calls. A lost connection is opened again by the next watcher; a page
 * that missed a notice meanwhile still gets the call's state from the database when it reconnects.
 */
@Injectable()
export class CallStateHub implements OnModuleDestroy {
  private readonly logger = new Logger('CallStateHub');
  private readonly watchers = new Map<string, Set<Watcher>>();
  private listening?: Promise<Client>;

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Calls `watcher` with every state of the customer's calls from now on; the function returned stops it. */
  async watch(customerId: string, watcher: Watcher): Promise<() => void> {
    await this.listen();
    const set = this.watchers.get(customerId) ?? new Set<Watcher>();
    set.add(watcher);
    this.watchers.set(customerId, set);
    return () => {
      set.delete(watcher);
      if (set.size === 0 && this.watchers.get(customerId) === set) this.watchers.delete(customerId);
    };
  }

  async onModuleDestroy(): Promise<void> {
    const listening = this.listening;
    this.listening = undefined;
    if (listening) await (await listening.catch(() => undefined))?.end().catch(() => undefined);
  }

  private listen(): Promise<Client> {
    this.listening ??= this.connect().catch((error: unknown) => {
      this.listening = undefined;
      throw error;
    });
    return this.listening;
  }

  private async connect(): Promise<Client> {
    const client = new Client({ connectionString: (this.db.options as PostgresConnectionOptions).url });
    client.on('notification', (message) => {
      if (message.channel !== CALL_STATE_CHANNEL || !message.payload) return;
      const notice = JSON.parse(message.payload) as CallStateNotice;
      for (const watcher of this.watchers.get(notice.customerId) ?? []) watcher(notice);
    });
    client.on('error', (error) => {
      this.logger.warn({ err: error }, 'LISTEN connection for call states lost; the next page watching a call opens another');
      this.listening = undefined;
    });
    await client.connect();
    await client.query(`LISTEN ${CALL_STATE_CHANNEL}`);
    return client;
  }
}
