/**
 * `npm run job -- repayment [--date YYYY-MM-DD]`: runs a scheduled job now, against DATABASE_URL's
 * database or the embedded one under DATA_DIR — the same code as `POST /jobs/repayment/runs`,
 * idempotent, and audited (actor role `cli`, the operating-system user in the correlation id).
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AuditEventsRepository } from '../audit/audit-events.repository';
import { WorkOrdersRepository } from '../work-orders/work-orders.repository';
import { SystemClock } from '../common/clock';
import { DomainError } from '../common/domain-error';
import { loadConfig } from '../config/app-config';
import { dataSourceOptions } from '../database/data-source-options';
import { startEmbeddedDatabase } from '../database/embedded-database';
import { migrate } from '../database/migrate';
import { OutboxRepository } from '../dispatch/outbox.repository';
import { RepaymentJob } from '../flows/repayment/repayment.job';
import { RepaymentRepository } from '../flows/repayment/repayment.repository';
import { JobName, JOBS, JobsService } from './jobs.service';
import { EventOutbox } from '../events/event-outbox.repository';

const USAGE = 'usage: npm run job -- repayment [--date YYYY-MM-DD]';

function parseArguments(argv: string[]): { job: JobName; date?: string } {
  const [job, ...options] = argv;
  if (!JOBS.includes(job as JobName)) throw new Error(job ? `unknown job "${job}"; ${USAGE}` : USAGE);
  let date: string | undefined;
  for (let i = 0; i < options.length; i++) {
    if (options[i] === '--date' && options[i + 1] !== undefined) date = options[++i];
    else if (options[i].startsWith('--date=')) date = options[i].slice('--date='.length);
    else throw new Error(`unexpected argument "${options[i]}"; ${USAGE}`);
  }
  return { job: job as JobName, date };
}

async function main(): Promise<void> {
  const { date } = parseArguments(process.argv.slice(2));
  const config = loadConfig(process.env);
  const embedded = config.databaseUrl ? undefined : await startEmbeddedDatabase(config.dataDir);
  const url = config.databaseUrl ?? embedded!.url;
  try {
    await migrate(url);
    const db = await new DataSource(dataSourceOptions(url)).initialize();
    try {
      const clock = new SystemClock();
      const jobs = new JobsService(
        new RepaymentJob(
          db,
          new RepaymentRepository(),
          new OutboxRepository(db),
          new WorkOrdersRepository(db),
          new EventOutbox(db),
          clock,
          config,
        ),
        clock,
      );
      const audit = new AuditService(db, new AuditEventsRepository(db));
      const entry = {
        actorId: null,
        actorRole: 'cli',
        action: 'jobs.runRepayment',
        target: `repayment:${date ?? 'local-today'}`,
        correlationId: `cli:${userInfo().username}:${randomUUID()}`,
      };
      try {
        const run = await jobs.runRepayment(date);
        await audit.record({ ...entry, status: 200 });
        console.log(JSON.stringify(run));
      } catch (error) {
        await audit.record({ ...entry, status: error instanceof DomainError ? error.status : 500 });
        throw error;
      }
    } finally {
      await db.destroy();
    }
  } finally {
    await embedded?.stop();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
