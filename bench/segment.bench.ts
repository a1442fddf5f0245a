/**
 * `npm run bench:segment [-- --customers N]` — segment counts over a generated book of a million
 * customers, each warm and with its plan printed; a 300,000-customer audience written into a
 * table with one INSERT … SELECT; and beside them the naive way: every customer loaded into
 * Node and filtered with the in-memory evaluator. Runs on its own database: a new one on
 * DATABASE_URL's server, else an embedded PostgreSQL in a temporary directory. Last line: JSON.
 */
import 'reflect-metadata';
import { DataSource, MoreThan } from 'typeorm';
import { seedCustomerBook } from '../src/customers/book/customer-book.writer';
import { Customer } from '../src/customers/customer.entity';
import { dataSourceOptions } from '../src/database/data-source-options';
import { argument, benchDatabase, timed } from './support/bench-database';
import { compileSegmentRule } from '../src/segments/segment-rule.compiler';
import { segmentPredicate } from '../src/segments/segment-rule.evaluator';

const TODAY = '2025-03-09';
/** 10:00 in Shanghai, 21:00 the evening before in New York: local dates differ across the book. */
const NOW = new Date('2025-03-09T02:00:00Z');
const WARM_RUNS = 7;
const PAGE = 20_000;

const SEGMENTS: { name: string; rule: unknown }[] = [
  {
    name: 'overdue 1–30 days, medium or high risk',
    rule: {
      all: [
        { field: 'daysPastDue', op: 'between', value: [1, 30] },
        { field: 'riskLevel', op: 'in', value: ['medium', 'high'] },
      ],
    },
  },
  {
    name: 'statement due in 3 days (own zone), minimum not yet paid',
    rule: {
      all: [
        { field: 'daysUntilDue', op: 'eq', value: 3 },
        { field: 'minimumDuePaid', op: 'eq', value: false },
        { field: 'minimumDue', op: 'gt', value: 0 },
      ],
    },
  },
  {
    name: 'issued over 14 days ago, never activated, tagged new_customer',
    rule: {
      all: [
        { field: 'cardStatus', op: 'eq', value: 'not_activated' },
        { field: 'daysSinceCardIssued', op: 'gt', value: 14 },
        { field: 'tags', op: 'hasTag', value: 'new_customer' },
      ],
    },
  },
  {
    name: 'dormant VIPs with low risk, not contacted in 30 days',
    rule: {
      all: [
        { field: 'tags', op: 'hasAllTags', value: ['dormant', 'vip'] },
        { field: 'riskLevel', op: 'eq', value: 'low' },
        { not: { field: 'daysSinceLastContact', op: 'lt', value: 30 } },
      ],
    },
  },
  {
    name: 'US and GB, due within 5 days (own zone), nothing paid',
    rule: {
      all: [
        { field: 'country', op: 'in', value: ['US', 'GB'] },
        { field: 'daysUntilDue', op: 'between', value: [0, 5] },
        { field: 'paidThisCycle', op: 'eq', value: 0 },
        { field: 'statementBalance', op: 'gt', value: 0 },
      ],
    },
  },
];

/** About 30% of the book: active cards used in the last two weeks, counted in each customer's zone. */
const AUDIENCE = {
  name: 'active cards used in the last 14 days (own zone)',
  rule: {
    all: [
      { field: 'cardStatus', op: 'eq', value: 'active' },
      { field: 'daysSinceLastCardActivity', op: 'between', value: [0, 14] },
    ],
  },
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value: number) => Number(value.toFixed(1));

async function countSegment(db: DataSource, rule: unknown) {
  const { where, params } = compileSegmentRule(rule, { now: NOW });
  const sql = `SELECT count(*)::int AS count FROM customers c WHERE ${where}`;
  const plan: { 'QUERY PLAN': string }[] = await db.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY OFF) ${sql}`, params);
  const runs: number[] = [];
  let count = 0;
  for (let i = 0; i < WARM_RUNS; i++) {
    const [[row], took] = await timed(() => db.query(sql, params));
    count = row.count;
    runs.push(took);
  }
  // The first run warms the cache; the figure is the median of the others, the worst beside it.
  const warm = runs.slice(1);
  return { count, medianMs: median(warm), worstMs: Math.max(...warm), plan: plan.map((line) => line['QUERY PLAN']).join('\n') };
}

/** The naive way: every customer through TypeORM into Node, each rule run by the evaluator. */
async function naiveCounts(db: DataSource, rules: unknown[]): Promise<{ counts: number[]; ms: number }> {
  const predicates = rules.map((rule) => segmentPredicate(rule, NOW));
  const counts = rules.map(() => 0);
  const repository = db.getRepository(Customer);
  const [, took] = await timed(async () => {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const page = await repository.find({ where: { id: MoreThan(after) }, order: { id: 'ASC' }, take: PAGE });
      if (page.length === 0) break;
      for (const customer of page) predicates.forEach((test, i) => test(customer) && counts[i]++);
      after = page[page.length - 1].id;
    }
  });
  return { counts, ms: took };
}

async function main(): Promise<void> {
  const customers = argument('customers', 1_000_000);
  const database = await benchDatabase('segment');
  try {
    const db = await new DataSource(dataSourceOptions(database.url, { extra: { max: 2 } })).initialize();
    try {
      console.log(`generating and loading ${customers.toLocaleString('en')} customers (seed 1, today ${TODAY}) …`);
      const [, seedMs] = await timed(() => seedCustomerBook(db, { customers, seed: 1, today: TODAY }));
      // What autovacuum would have done by the time anyone counts: statistics and the visibility map.
      await db.query('VACUUM (ANALYZE) customers');
      // What the book costs: on disk, and — for counts to stay warm — in memory (the indexes they read).
      const [book] = await db.query(
        `SELECT pg_relation_size('customers')::float8 AS "tableBytes", pg_indexes_size('customers')::float8 AS "indexBytes"`,
      );
      const gb = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
      console.log(
        `loaded in ${(seedMs / 1000).toFixed(1)} s (${Math.round(customers / (seedMs / 1000)).toLocaleString('en')} customers/s); ` +
          `customers: table ${gb(book.tableBytes)}, indexes ${gb(book.indexBytes)}\n`,
      );

      const results: Awaited<ReturnType<typeof countSegment>>[] = [];
      for (const segment of SEGMENTS) {
        const result = await countSegment(db, segment.rule);
        results.push(result);
        console.log(
          `■ ${segment.name}\n  ${result.count.toLocaleString('en')} customers, warm median ${ms(result.medianMs)} ms, worst ${ms(result.worstMs)} ms`,
        );
        console.log(result.plan.replace(/^/gm, '    '), '\n');
      }

      const { where, params } = compileSegmentRule(AUDIENCE.rule, { now: NOW });
      await db.query('CREATE TABLE bench_audience (customer_id uuid PRIMARY KEY)');
      const [, audienceMs] = await timed(() =>
        db.query(`INSERT INTO bench_audience (customer_id) SELECT c.id FROM customers c WHERE ${where}`, params),
      );
      const [{ audienceSize }] = await db.query('SELECT count(*)::int AS "audienceSize" FROM bench_audience');
      console.log(`■ audience written: ${AUDIENCE.name}\n  ${audienceSize.toLocaleString('en')} rows in ${ms(audienceMs)} ms\n`);

      console.log('the naive way: every customer loaded into Node, the five rules run by the evaluator …');
      const naive = await naiveCounts(
        db,
        SEGMENTS.map((s) => s.rule),
      );
      const agree = naive.counts.every((count, i) => count === results[i].count);
      console.log(`  ${(naive.ms / 1000).toFixed(1)} s for all five (counts ${agree ? 'agree with' : 'DIFFER FROM'} the SQL)\n`);
      if (!agree)
        throw new Error(`the evaluator counted ${naive.counts.join(', ')}, the SQL ${results.map((r) => r.count).join(', ')}`);

      console.log(
        JSON.stringify({
          maxCountMs: ms(Math.max(...results.map((r) => r.medianMs))),
          audienceWriteMs: ms(audienceMs),
          audienceRows: audienceSize,
          worstCountMs: ms(Math.max(...results.map((r) => r.worstMs))),
          countsMs: results.map((r) => ms(r.medianMs)),
          naiveAllFiveMs: ms(naive.ms),
          customers,
          bookTableBytes: book.tableBytes,
          bookIndexBytes: book.indexBytes,
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
