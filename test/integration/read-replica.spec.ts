import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app';
import { ManualClock } from '../../src/common/clock';
import { ContactHistoryRepository } from '../../src/compliance/contact-history.repository';
import { loadConfig } from '../../src/config/app-config';
import { OpsDashboardService } from '../../src/console/ops/ops-dashboard.service';
import { READ_DATABASE } from '../../src/database/database.module';
import { RunningDatabase, startEmbeddedDatabase } from '../../src/database/embedded-database';
import { migrate } from '../../src/database/migrate';
import { SegmentsService } from '../../src/segments/segments.service';
import { eventually } from '../support/eventually';
import { insertAttempt, insertCustomer } from '../support/policy.builders';
import { startStreamingReplica, StreamingReplica } from '../support/streaming-replica';

const NOW = new Date('2026-12-02T06:00:00Z');
const EVERYONE = { field: 'riskLevel', op: 'in', value: ['low', 'medium', 'high'] };

/**
 * DATABASE_READ_URL against a real hot standby of the embedded PostgreSQL, streaming its WAL.
 * With the standby's replay paused, what Herald reads from it cannot see a new write: that is
 * how the test tells which server answered each read.
 */
describe('reads that may lag go to a streaming replica', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-replica-'));
  let primary: RunningDatabase;
  let replica: StreamingReplica;
  let standby: Client;
  let app: INestApplication;
  let db: DataSource;

  beforeAll(async () => {
    chmodSync(dataDir, 0o755); // as root, PostgreSQL runs as the `postgres` user and must reach it
    primary = await startEmbeddedDatabase(dataDir, 'herald');
    await migrate(primary.url);
    replica = await startStreamingReplica(primary.url, primary.directory);
    standby = await replica.client();
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      DISPATCH_ENABLED: 'false',
      ALERTS_JOB_ENABLED: 'false',
      DATABASE_READ_URL: replica.url,
    });
    app = await createApp(config, primary.url, { clock: new ManualClock(NOW) });
    await app.init();
    db = app.get(DataSource);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await standby?.end();
    await replica?.stop();
    await primary?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const pauseReplay = async () => {
    await standby.query('SELECT pg_wal_replay_pause()');
    await eventually(async () => {
      const [{ state }] = (await standby.query('SELECT pg_get_wal_replay_pause_state() AS state')).rows;
      expect(state).toBe('paused');
    });
  };

  it('is a real standby, streaming from the primary', async () => {
    const [{ recovering }] = (await standby.query('SELECT pg_is_in_recovery() AS recovering')).rows;
    expect(recovering).toBe(true);
    const senders: { state: string }[] = await db.query(`SELECT state FROM pg_stat_replication`);
    expect(senders).toEqual([{ state: 'streaming' }]);
    await expect(standby.query(`CREATE TABLE nope (id int)`)).rejects.toThrow(/read-only transaction/);
    expect((app.get(READ_DATABASE) as DataSource).options.extra).toMatchObject({ application_name: 'herald-read' });
  });

  it('answers the dashboard, segment previews from the replica, while writes and the caps read the primary', async () => {
    const customer = await insertCustomer(db);
    await eventually(async () => {
      const { count } = await app.get(SegmentsService).preview(EVERYONE);
      expect(count).toBe(1);
    });
    await pauseReplay();
    try {
      // Written on the primary while the standby stands still.
      await insertCustomer(db);
      await insertAttempt(db, customer, { at: NOW.getTime() - 3_600_000, channel: 'sms' });
      // The cap check must see the caller's own writes: the primary.
      const history = await app.get(ContactHistoryRepository).summarise([customer], NOW);
      expect(history.get(customer)!.contacts).toHaveLength(1);
      // The reports lag: the standby has not replayed either write.
      expect((await app.get(SegmentsService).preview(EVERYONE)).count).toBe(1);
      expect((await app.get(OpsDashboardService).dashboard('UTC')).volumeTotal).toBe(0);
    } finally {
      await standby.query('SELECT pg_wal_replay_resume()');
    }
    await eventually(async () => {
      expect((await app.get(SegmentsService).preview(EVERYONE)).count).toBe(2);
      expect((await app.get(OpsDashboardService).dashboard('UTC')).volumeTotal).toBe(1);
    });
  });
});
