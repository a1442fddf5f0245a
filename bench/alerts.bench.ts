/**
 * `npm run bench:alerts` — risk alerts on change, at the scale: a book of
 * BENCH_ALERTS_CUSTOMERS customers (default 1,000,000), ten on-change alert rules, and imports
 * of BENCH_ALERTS_CHANGED changed rows (default 100,000; at most the book over twice the rounds)
 * through the import service. The same run imports changed slices of the book without rules and
 * with them for BENCH_ALERTS_ROUNDS rounds (default 2), the side that goes first alternating
 * (none, rules, rules, none …) so neither gets the warmer cache more often; each slice
 * is customers the other imports do not touch. Runs on its own database: a new one on
 * DATABASE_URL's server, else an embedded PostgreSQL in a temporary directory. Last line: JSON,
 * `alertsPerSec` (alerts raised over the seconds of the imports with rules) and `importSlowdown`
 * (import time with the rules over without; the goal is ≤ 1.3).
 */
import 'reflect-metadata';
import { Readable } from 'node:stream';
import { loadavg } from 'node:os';
import { DataSource } from 'typeorm';
import { AlertEpisodesRepository } from '../src/alerts/alert-episodes.repository';
import { AlertRulesRepository } from '../src/alerts/alert-rules.repository';
import { ruleReads } from '../src/alerts/alert-rule.rules';
import { SystemClock } from '../src/common/clock';
import { seedCustomerBook } from '../src/customers/book/customer-book.writer';
import { generateCustomer } from '../src/customers/book/customer-book.generator';
import { CustomerImportRunner } from '../src/customers/import/customer-import.runner';
import { CustomerImportsService } from '../src/customers/import/customer-imports.service';
import { ImportJobRecorder } from '../src/customers/import/import-job.recorder';
import { csvHeader, toCsvLine } from '../src/customers/import/import-file.format';
import { dataSourceOptions } from '../src/database/data-source-options';
import { sqlOf } from '../src/database/sql';
import { alertEvaluator } from './support/alert-evaluator';
import { benchDatabase, timed } from './support/bench-database';

const TODAY = '2026-12-01';
const SEED = 1;

/** Ten rules a risk desk would write, on the fields an import changes. */
const RULES: { name: string; rule: unknown }[] = [
  { name: 'past due 30+', rule: { field: 'daysPastDue', op: 'gte', value: 30 } },
  { name: 'past due 90+', rule: { field: 'daysPastDue', op: 'gte', value: 90 } },
  { name: 'high risk', rule: { field: 'riskLevel', op: 'eq', value: 'high' } },
  { name: 'score under 500', rule: { field: 'creditScore', op: 'lt', value: 500 } },
  { name: 'card blocked', rule: { field: 'cardStatus', op: 'eq', value: 'blocked' } },
  {
    name: 'high risk and past due',
    rule: {
      all: [
        { field: 'riskLevel', op: 'eq', value: 'high' },
        { field: 'daysPastDue', op: 'gt', value: 0 },
      ],
    },
  },
  {
    name: 'balance over limit',
    rule: {
      all: [
        { field: 'statementBalance', op: 'gt', value: 4_000_000 },
        { field: 'riskLevel', op: 'in', value: ['medium', 'high'] },
      ],
    },
  },
  {
    name: 'minimum unpaid past due',
    rule: {
      all: [
        { field: 'minimumDuePaid', op: 'eq', value: false },
        { field: 'daysPastDue', op: 'between', value: [1, 29] },
      ],
    },
  },
  { name: 'watch tag', rule: { field: 'tags', op: 'hasTag', value: 'watch' } },
  {
    name: 'on hold, medium risk or worse',
    rule: {
      all: [
        { field: 'cardStatus', op: 'eq', value: 'on_hold' },
        { field: 'riskLevel', op: 'ne', value: 'low' },
      ],
    },
  },
];

const size = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a whole number ≥ 1`);
  return value;
};

/**
 * Rows [from, from + count) of the book, changed as the core system's nightly file would change
 * them: every balance moves, about one customer in twenty slips 31 days further past due, one in
 * fifty is raised to high risk, one in a hundred loses score, one in two hundred is tagged.
 */
function changedSlice(from: number, count: number): Readable {
  return Readable.from(
    (function* () {
      yield csvHeader();
      for (let start = from; start < from + count; start += 1000) {
        let chunk = '';
        for (let i = start; i < Math.min(start + 1000, from + count); i++) {
          const row = generateCustomer(SEED, i, TODAY);
          // Every row changes (its balance), so every row is evaluated; a few cross a rule's line.
          chunk += toCsvLine({
            ...row,
            daysPastDue: i % 20 === 0 ? row.daysPastDue + 31 : row.daysPastDue,
            riskLevel: i % 50 === 0 ? 'high' : row.riskLevel,
            creditScore: i % 100 === 0 ? 450 : row.creditScore,
            tags: i % 200 === 0 ? [...new Set([...row.tags, 'watch'])] : row.tags,
            statementBalance: row.statementBalance + 100,
          });
        }
        yield chunk;
      }
    })(),
  );
}

async function main(): Promise<void> {
  const customers = size('BENCH_ALERTS_CUSTOMERS', 1_000_000);
  // More rounds even out a noisy machine at a small size; each import needs a slice of its own.
  const rounds = size('BENCH_ALERTS_ROUNDS', 2);
  const changed = Math.min(size('BENCH_ALERTS_CHANGED', 100_000), Math.floor(customers / (2 * rounds)));
  const database = await benchDatabase('alerts');
  try {
    const db = await new DataSource(dataSourceOptions(database.url)).initialize();
    try {
      console.log(`generating and loading ${customers.toLocaleString('en')} customers (seed ${SEED}, today ${TODAY}) …`);
      const [, seedMs] = await timed(() => seedCustomerBook(db, { customers, seed: SEED, today: TODAY }));
      await db.query('VACUUM ANALYZE customers');
      console.log(`  ${(seedMs / 1000).toFixed(1)} s\n`);

      const clock = new SystemClock();
      const imports = new CustomerImportsService(
        db,
        clock,
        new CustomerImportRunner(db, clock, new ImportJobRecorder(db, clock), alertEvaluator(db, clock)),
      );
      const importSlice = async (slice: number) => {
        const [job, took] = await timed(() =>
          imports.start({ body: changedSlice(slice * changed, changed), contentType: 'text/csv', mode: 'partial' }),
        );
        if (job.status !== 'succeeded' || job.rowsUpdated !== changed) {
          throw new Error(`the import ended ${job.status} with ${job.rowsUpdated} rows updated: ${JSON.stringify(job.error)}`);
        }
        return took;
      };
      const rules = new AlertRulesRepository(db);
      const alerts = async () => (await db.query(`SELECT count(*)::int AS n FROM alert_episodes`))[0].n as number;

      const episodes = new AlertEpisodesRepository();
      let standing = 0;
      let withoutMs = 0;
      let withMs = 0;
      const withoutRules = async (round: number, slice: number) => {
        await db.query(`UPDATE alert_rules SET enabled = false`);
        const took = await importSlice(slice);
        withoutMs += took;
        console.log(
          `round ${round + 1}: ${changed.toLocaleString('en')} changed rows without rules: ${(took / 1000).toFixed(1)} s`,
        );
      };
      const withRules = async (round: number, slice: number) => {
        await db.query(`UPDATE alert_rules SET enabled = true`);
        const before = await alerts();
        const took = await importSlice(slice);
        withMs += took;
        console.log(
          `round ${round + 1}: ${changed.toLocaleString('en')} changed rows with ${RULES.length} rules: ${(took / 1000).toFixed(1)} s, ` +
            `${((await alerts()) - before).toLocaleString('en')} alerts`,
        );
      };
      const goLive = async () => {
        for (const { name, rule } of RULES) {
          const { properties } = ruleReads(rule);
          await rules.insert(
            {
              name,
              description: null,
              rule: rule as Record<string, unknown>,
              reads: properties,
              scheduled: false,
              severity: 'high',
              queue: 'risk-desk',
              slaMinutes: 240,
              closeOnExit: true,
              enabled: true,
            },
            null,
            clock.now(),
          );
        }
        // The rules have been live: the customers in them now have their episodes (not timed).
        const [, baselineMs] = await timed(async () => {
          for (const rule of await rules.enabled()) await episodes.evaluate(sqlOf(db.manager), rule, 'book', clock.now());
        });
        await db.query('ANALYZE alert_episodes, work_orders, work_order_events');
        standing = await alerts();
        console.log(
          `  the book evaluated once: ${standing.toLocaleString('en')} standing alerts (${(baselineMs / 1000).toFixed(1)} s)`,
        );
      };
      // Without and with in turn, the first of a round alternating (without first, then with first …): each side goes
      // first as often as second, so neither gets the warmer cache more often.
      for (let round = 0; round < rounds; round++) {
        if (round % 2 === 0) {
          await withoutRules(round, round * 2);
          if (round === 0) await goLive();
          await withRules(round, round * 2 + 1);
        } else {
          await withRules(round, round * 2);
          await withoutRules(round, round * 2 + 1);
        }
      }
      const [{ orders }] = await db.query(`SELECT count(*)::int AS orders FROM work_orders`);
      if (orders !== (await alerts())) throw new Error(`${await alerts()} alerts but ${orders} work orders`);
      const fired = (await alerts()) - standing;
      const alertsPerSec = Math.round(fired / (withMs / 1000));
      const importSlowdown = Number((withMs / withoutMs).toFixed(2));
      console.log(
        `\n${fired.toLocaleString('en')} alerts (each with its work order) in ${(withMs / 1000).toFixed(1)} s of imports with rules; ` +
          `slowdown ${importSlowdown}; load average ${loadavg()[0].toFixed(1)}`,
      );
      console.log(
        JSON.stringify({
          alertsPerSec,
          importSlowdown,
          customers,
          changedRows: changed,
          rules: RULES.length,
          alerts: fired,
          standingAlerts: standing,
          importWithoutRulesSeconds: Number((withoutMs / 1000 / rounds).toFixed(1)),
          importWithRulesSeconds: Number((withMs / 1000 / rounds).toFixed(1)),
        }),
      );
    } finally {
      await db.destroy();
    }
  } finally {
    await database.drop();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
