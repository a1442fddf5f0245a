/**
 * `npm run bench:history` — years of contact history without slowing down (issue #21), on its
 * own database with a generated book:
 *  1. a cap check (the contact history the policy counts, ContactHistoryRepository.summarise,
 *     one customer a call) with one month of attempts, then with twelve: its p99 should not move,
 *     as the check reads only the months its window names (partition pruning); each measured
 *     twice, the warm pass the figure, the first pass's p99 printed beside it;
 *  2. retention applied to a month of attempts, the same run: the oldest month by DELETE, the
 *     next one by detaching its partition (HistoryMaintenance.drop: out of the table, recorded,
 *     audited), then dropping the detached table — its files given back to the file system, in a
 *     transaction of its own, timed apart. The daily figures are kept day by day
 *     (HistoryMaintenance.summariseDays), not at the drop; counting the loaded history is timed apart.
 * Sizes from the environment: BENCH_HISTORY_ATTEMPTS_PER_MONTH (5,000,000), BENCH_HISTORY_MONTHS
 * (12), BENCH_HISTORY_CUSTOMERS (1,000,000), BENCH_HISTORY_CHECKS (2,000 cap checks a phase).
 * Each month is loaded as a bulk load would be: into a table of its own, indexed, then attached.
 * Last two lines: JSON with every figure, then the four the issue asks for.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/clock';
import { loadConfig } from '../src/config/app-config';
import { ContactHistoryRepository } from '../src/compliance/contact-history.repository';
import { RulePacks } from '../src/compliance/rule-packs';
import { seedCustomerBook } from '../src/customers/book/customer-book.writer';
import { dataSourceOptions } from '../src/database/data-source-options';
import { HistoryMaintenance } from '../src/history/history-maintenance.service';
import { HistoryPartitionsRepository } from '../src/history/history-partitions.repository';
import { monthStart } from '../src/history/history.rules';
import { benchDatabase, timed } from './support/bench-database';

const PER_MONTH = Number(process.env.BENCH_HISTORY_ATTEMPTS_PER_MONTH ?? 5_000_000);
const MONTHS = Number(process.env.BENCH_HISTORY_MONTHS ?? 12);
const CUSTOMERS = Number(process.env.BENCH_HISTORY_CUSTOMERS ?? 1_000_000);
const CHECKS = Number(process.env.BENCH_HISTORY_CHECKS ?? 2_000);
/** Late in a month, so that "one month" is a full one: 2026-11-01 … 2026-11-28. */
const NOW = new Date('2026-11-28T06:00:00Z');
const TODAY = '2026-11-28';

const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.99)];
const round = (value: number) => Number(value.toFixed(value < 10 ? 3 : 0));

/**
 * One month of attempts, spread evenly over it (up to NOW in the current month) and over the
 * book: loaded into a standalone table, indexed by the ATTACH, as a bulk load would.
 */
async function loadMonth(db: DataSource, month: Date): Promise<number> {
  const name = `contact_attempts_p${month.toISOString().slice(0, 7).replace('-', '')}`;
  const starts = month.getTime();
  const ends = Math.min(monthStart(month, 1).getTime(), NOW.getTime());
  const [, ms] = await timed(async () => {
    await db.query(`CREATE TABLE ${name} (LIKE contact_attempts INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
    await db.query(
      `INSERT INTO ${name} (customer_id, purpose, channel, provider, status, connected, subject_ref, template_key, attempted_at, updated_at)
       SELECT b.id, (ARRAY['collections','service','fraud','marketing'])[1 + g % 4], (ARRAY['sms','sms','email','call'])[1 + (g / 7) % 4],
              'twilio', (ARRAY['delivered','delivered','sent','failed','undelivered'])[1 + (g / 3) % 5], g % 9 = 0,
              'bench-' || g, 'repayment-reminder-before-due', t.at, t.at
         FROM generate_series(1, $1::int) AS g
         CROSS JOIN LATERAL (SELECT to_timestamp(($2::float8 + (g - 1)::float8 * ($3::float8 - $2::float8) / $1::float8) / 1000) AS at) t
         JOIN bench_book b ON b.n = 1 + (g * 7919::bigint) % $4`,
      [PER_MONTH, starts, ends, CUSTOMERS],
    );
    await db.query(
      `ALTER TABLE contact_attempts ATTACH PARTITION ${name} FOR VALUES FROM ('${month.toISOString()}') TO ('${monthStart(month, 1).toISOString()}')`,
    );
    await db.query(`ANALYZE ${name}`);
  });
  console.log(`  ${name}: ${PER_MONTH} attempts loaded and indexed in ${(ms / 1000).toFixed(1)} s`);
  return ms;
}

/**
 * CHECKS cap checks, one customer each (spread over the book), one after another, twice: the first
 * pass meets whatever the loading left in memory (the benchmark loads the months newest first, so
 * after eleven older months the two the check reads are the coldest — a live database has them the
 * hottest), the second the same customers warm. Both passes' p99 in ms; the warm one is the figure.
 */
async function capChecks(
  histories: ContactHistoryRepository,
  db: DataSource,
): Promise<{ p99: number; median: number; coldP99: number; contacts: number }> {
  const ids: string[] = (
    await db.query(`SELECT id FROM bench_book WHERE n % $1 = 0 ORDER BY n LIMIT $2`, [
      Math.max(1, Math.floor(CUSTOMERS / (CHECKS + 50))),
      CHECKS + 50,
    ])
  ).map((row: { id: string }) => row.id);
  for (const id of ids.slice(0, 50)) await histories.summarise([id], NOW); // warm the connection and the plan cache
  const pass = async () => {
    const times: number[] = [];
    let contacts = 0;
    for (const id of ids.slice(50)) {
      const [history, ms] = await timed(() => histories.summarise([id], NOW));
      contacts += history.get(id)!.contacts.length;
      times.push(ms);
    }
    return { times, contacts };
  };
  const cold = await pass();
  const { times, contacts } = await pass();
  const sorted = [...times].sort((a, b) => a - b);
  return { p99: p99(times), median: sorted[Math.floor(sorted.length / 2)], coldP99: p99(cold.times), contacts };
}

async function main(): Promise<void> {
  Logger.overrideLogger(['warn', 'error']);
  const database = await benchDatabase('history');
  const db = await new DataSource(dataSourceOptions(database.url, { extra: { max: 4 } })).initialize();
  try {
    const config = loadConfig({ RETENTION_CONTACT_HISTORY_MONTHS: String(Math.max(2, MONTHS - 2)) });
    const histories = new ContactHistoryRepository(db, new RulePacks(config));
    const maintenance = new HistoryMaintenance(db, new HistoryPartitionsRepository(), new ManualClock(NOW), config);
    console.log(
      `bench:history — ${PER_MONTH} attempts a month, ${MONTHS} months, ${CUSTOMERS} customers, ${CHECKS} cap checks a phase; ` +
        `cap window ${Math.round(histories.lookbackMs / 86_400_000)} days`,
    );

    const [, seedMs] = await timed(() => seedCustomerBook(db, { customers: CUSTOMERS, seed: 1, today: TODAY }));
    await db.query(`CREATE TABLE bench_book AS SELECT row_number() OVER (ORDER BY id) AS n, id FROM customers`);
    await db.query(`CREATE UNIQUE INDEX ON bench_book (n)`);
    console.log(`book: ${CUSTOMERS} customers in ${(seedMs / 1000).toFixed(1)} s`);

    // The months the migration made empty go; the bench loads its own.
    for (const { partition } of await maintenance.months('contact_history')) await db.query(`DROP TABLE ${partition}`);
    const months = Array.from({ length: MONTHS }, (_, i) => monthStart(NOW, -i)); // newest first

    await loadMonth(db, months[0]);
    const oneMonth = await capChecks(histories, db);
    console.log(
      `cap check, 1 month of history: p99 ${round(oneMonth.p99)} ms, median ${round(oneMonth.median)} ms (${oneMonth.contacts} contacts counted; ` +
        `first pass p99 ${round(oneMonth.coldP99)} ms)`,
    );

    for (const month of months.slice(1)) await loadMonth(db, month);
    const [{ rows }] = await db.query(`SELECT count(*)::bigint AS rows FROM contact_attempts`);
    const twelveMonths = await capChecks(histories, db);
    console.log(
      `cap check, ${MONTHS} months of history (${rows} attempts): p99 ${round(twelveMonths.p99)} ms, median ${round(twelveMonths.median)} ms ` +
        `(${twelveMonths.contacts} contacts counted; first pass p99 ${round(twelveMonths.coldP99)} ms) — ` +
        `${(twelveMonths.p99 / oneMonth.p99).toFixed(2)}× the one-month p99`,
    );
    const plan: { 'QUERY PLAN': string }[] = await db.query(
      `EXPLAIN SELECT * FROM contact_attempts WHERE customer_id = (SELECT id FROM bench_book WHERE n = 1) AND attempted_at > $1`,
      [new Date(NOW.getTime() - histories.lookbackMs)],
    );
    console.log(
      `the cap check's partitions: ${[
        ...new Set(
          plan
            .map((r) => r['QUERY PLAN'])
            .join('\n')
            .match(/contact_attempts_p\d+/g),
        ),
      ].join(', ')}`,
    );

    // Retention, the same run: the oldest month deleted row by row (and vacuumed: until then the
    // space and the index entries of five million dead rows stay), the next dropped whole.
    const [oldest, next] = [months[MONTHS - 1], months[MONTHS - 2]];
    const oldestPartition = (await maintenance.months('contact_history')).find(
      (p) => new Date(p.starts).getTime() === oldest.getTime(),
    )!;
    // A month that old has long been vacuumed by autovacuum; freshly loaded here, it has not, and an
    // autovacuum worker busy on it would hold the DETACH for deadlock_timeout (1 s) before giving way.
    const nextPartition = (await maintenance.months('contact_history')).find(
      (p) => new Date(p.starts).getTime() === next.getTime(),
    )!;
    for (const p of [oldestPartition, nextPartition]) await db.query(`VACUUM (FREEZE, ANALYZE) ${p.partition}`);
    const [deleted, deleteMs] = await timed(async () => {
      const [, count] = await db.query(`DELETE FROM contact_attempts WHERE attempted_at >= $1 AND attempted_at < $2`, [
        oldest,
        monthStart(oldest, 1),
      ]);
      return count as number;
    });
    const [, vacuumMs] = await timed(() => db.query(`VACUUM ${oldestPartition.partition}`));
    console.log(
      `retention by DELETE: ${deleted} attempts of ${oldest.toISOString().slice(0, 7)} deleted in ${(deleteMs / 1000).toFixed(1)} s, ` +
        `vacuumed in ${(vacuumMs / 1000).toFixed(1)} s: ${((deleteMs + vacuumMs) / 1000).toFixed(1)} s`,
    );
    const [, summaryMs] = await timed(() => maintenance.summariseDays(db.manager));
    const [{ days }] = await db.query(`SELECT count(DISTINCT day)::int AS days FROM contact_attempt_days`);
    const dropped = await maintenance.drop(db.manager, 'contact_history', nextPartition);
    console.log(
      `retention by DROP: ${dropped.partition} (${dropped.rows} attempts by the planner's count) detached, recorded and audited in ` +
        `${dropped.ms} ms (the DETACH ${dropped.detachMs} ms) — ${Math.round(deleteMs / dropped.ms)}× faster than the DELETE alone, ` +
        `${Math.round((deleteMs + vacuumMs) / dropped.ms)}× with its VACUUM; the detached table dropped afterwards in ${dropped.reclaimMs} ms ` +
        `(its files given back to the file system, which the DELETE and VACUUM never do) — ` +
        `${Math.round(deleteMs / (dropped.ms + dropped.reclaimMs))}× with it`,
    );
    console.log(
      `daily figures: ${days} days of history counted in ${(summaryMs / 1000).toFixed(1)} s (done day by day by the daily run, not by retention)`,
    );

    console.log(
      JSON.stringify({
        capCheckP99MsAt12Months: round(twelveMonths.p99),
        capCheckP99MsAt1Month: round(oneMonth.p99),
        capCheckFirstPassP99MsAt12Months: round(twelveMonths.coldP99),
        capCheckFirstPassP99MsAt1Month: round(oneMonth.coldP99),
        retentionDropMs: dropped.ms,
        retentionReclaimMs: dropped.reclaimMs,
        retentionDeleteMs: Math.round(deleteMs),
        retentionDeleteAndVacuumMs: Math.round(deleteMs + vacuumMs),
        summaryOfAllDaysMs: Math.round(summaryMs),
      }),
    );
    console.log(
      JSON.stringify({
        capCheckP99MsAt12Months: round(twelveMonths.p99),
        capCheckP99MsAt1Month: round(oneMonth.p99),
        retentionDropMs: dropped.ms,
        retentionDeleteMs: Math.round(deleteMs),
      }),
    );
  } finally {
    await db.destroy();
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
