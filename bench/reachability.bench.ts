/**
 * `npm run bench:reachability [-- --customers N]` — the reachability counts of POST
 * /policy/reachability over a generated book (a million customers by default) with a month of
 * contact history, opt-outs, the do-not-contact list and customers' own windows: the whole
 * book and one segment, per purpose, warm. Beside it the naive way on a sample: the customers
 * loaded into Node and decided one by one with the pure policy (the counts must agree). Runs on
 * its own database: a new one on DATABASE_URL's server, else an embedded PostgreSQL. Last line: JSON.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { SystemClock } from '../src/common/clock';
import { loadConfig } from '../src/config/app-config';
import { decideContact } from '../src/compliance/contact.policy';
import { ConsentService } from '../src/compliance/consent.service';
import { ConsentLedgerRepository } from '../src/compliance/consent-ledger.repository';
import { DoNotContactRepository } from '../src/compliance/do-not-contact.repository';
import { ContactHistoryRepository } from '../src/compliance/contact-history.repository';
import { DoNotContactService } from '../src/compliance/do-not-contact.service';
import { PolicyInputsLoader } from '../src/compliance/policy-inputs.loader';
import { CHANNELS, Purpose, PURPOSES } from '../src/compliance/policy.types';
import { ReachabilityService } from '../src/compliance/reachability.service';
import { ReachabilityRepository } from '../src/compliance/reachability.repository';
import { RulePacks } from '../src/compliance/rule-packs';
import { seedCustomerBook } from '../src/customers/book/customer-book.writer';
import { dataSourceOptions } from '../src/database/data-source-options';
import { argument, benchDatabase, timed } from './support/bench-database';
import { compileSegmentRule } from '../src/segments/segment-rule.compiler';
import { EventOutbox } from '../src/events/event-outbox.repository';

const TODAY = '2025-03-09';
/** 10:00 in Shanghai, 21:00 the evening before in New York. */
const NOW = new Date('2025-03-09T02:00:00Z');
const WARM_RUNS = 4;
const NAIVE_SAMPLE = 20_000;
const SEGMENT = { all: [{ field: 'daysPastDue', op: 'gt', value: 0 }] };

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value: number) => Number(value.toFixed(0));

/** A month of contacts, opt-outs, the list and customers' own times — all set-based. */
async function history(db: DataSource): Promise<void> {
  await db.query(
    `INSERT INTO contact_attempts (customer_id, purpose, channel, provider, status, connected, conversation, subject_ref, attempted_at)
     SELECT c.id,
            (ARRAY['collections', 'collections', 'service', 'marketing', 'fraud'])[1 + floor(random() * 5)::int],
            (ARRAY['sms', 'sms', 'call', 'email'])[1 + floor(random() * 4)::int],
            'sandbox',
            (ARRAY['delivered', 'completed', 'no_answer', 'failed'])[1 + floor(random() * 4)::int],
            random() < 0.5, random() < 0.1, CASE WHEN random() < 0.3 THEN 'F1' END,
            $1::timestamptz - random() * interval '30 days'
       FROM customers c CROSS JOIN generate_series(1, 5) AS n
      WHERE random() < 0.5`,
    [NOW],
  );
  await db.query(
    `INSERT INTO consent_events (customer_id, channel, scope, state, source, at)
     SELECT id, (ARRAY['sms', 'email', 'call'])[1 + floor(random() * 3)::int], 'all', 'revoked', 'sms_keyword', $1::timestamptz - interval '40 days'
       FROM customers WHERE random() < 0.03`,
    [NOW],
  );
  await db.query(
    `INSERT INTO do_not_contact (kind, value) SELECT DISTINCT 'phone', phone FROM customers WHERE phone IS NOT NULL AND random() < 0.01`,
  );
  await db.query(
    `UPDATE customers SET contact_window = '{"start": "09:00", "end": "20:00", "days": [1, 2, 3, 4, 5]}' WHERE random() < 0.1`,
  );
  await db.query(`UPDATE customers SET inconvenient_times = '[{"start": "12:00", "end": "13:30"}]' WHERE random() < 0.1`);
  await db.query('VACUUM (ANALYZE) customers, contact_attempts, consent_events, do_not_contact');
}

async function main(): Promise<void> {
  const customers = argument('customers', 1_000_000);
  const database = await benchDatabase('reachability');
  try {
    const db = await new DataSource(dataSourceOptions(database.url, { extra: { max: 4 } })).initialize();
    try {
      console.log(`generating and loading ${customers.toLocaleString('en')} customers and a month of contacts …`);
      const [, seedMs] = await timed(async () => {
        await seedCustomerBook(db, { customers, seed: 1, today: TODAY });
        await history(db);
      });
      const [{ attempts }] = await db.query(`SELECT count(*)::int AS attempts FROM contact_attempts`);
      console.log(`loaded in ${(seedMs / 1000).toFixed(0)} s: ${attempts.toLocaleString('en')} contact attempts\n`);

      const packs = new RulePacks(loadConfig({}));
      const reachability = new ReachabilityService(new ReachabilityRepository(db), packs);
      const segment = compileSegmentRule(SEGMENT, { now: NOW });
      const audiences = [
        { name: 'whole book', where: 'true', params: [] as unknown[] },
        { name: 'overdue (daysPastDue > 0)', ...segment },
      ];
      const figures: Record<string, number> = {};
      for (const audience of audiences) {
        for (const purpose of PURPOSES) {
          const runs: number[] = [];
          let total = 0;
          for (let i = 0; i < WARM_RUNS; i++) {
            const [result, took] = await timed(() => reachability.reachability(audience.where, audience.params, purpose, NOW));
            total = result.total;
            runs.push(took);
          }
          const warm = median(runs.slice(1));
          figures[`${audience.name === 'whole book' ? 'book' : 'segment'}.${purpose}`] = ms(warm);
          console.log(
            `${audience.name.padEnd(26)} ${purpose.padEnd(12)} ${total.toLocaleString('en').padStart(10)} customers  warm median ${ms(warm)} ms`,
          );
        }
      }

      console.log(`\nthe naive way on ${NAIVE_SAMPLE.toLocaleString('en')} customers: loaded into Node, decided one by one …`);
      const clock = new SystemClock();
      const histories = new ContactHistoryRepository(db, packs);
      const loader = new PolicyInputsLoader(
        db,
        histories,
        new ConsentService(db, new ConsentLedgerRepository(db), clock, new EventOutbox(db)),
        new DoNotContactService(db, new DoNotContactRepository(db), clock),
      );
      const ids: string[] = (await db.query(`SELECT id FROM customers ORDER BY id LIMIT $1`, [NAIVE_SAMPLE])).map(
        (r: { id: string }) => r.id,
      );
      const purpose: Purpose = 'marketing';
      const [naiveAllowed, naiveMs] = await timed(async () => {
        const inputs = await loader.load(ids, NOW);
        const allowed = { sms: 0, email: 0, call: 0 };
        for (const facts of inputs.values()) {
          for (const channel of CHANNELS) {
            if (decideContact({ ...facts, purpose, channel, at: NOW, pack: packs.forCountry(facts.customer.country) }).allowed)
              allowed[channel]++;
          }
        }
        return allowed;
      });
      const sample = await reachability.reachability('c.id = ANY ($1::uuid[])', [ids], purpose, NOW);
      const agree = CHANNELS.every((channel) => sample.channels[channel].reachableNow === naiveAllowed[channel]);
      console.log(
        `  ${ms(naiveMs)} ms (≈ ${((naiveMs * customers) / NAIVE_SAMPLE / 1000).toFixed(0)} s for the book); reachable now ${agree ? 'agrees with' : 'DIFFERS FROM'} the SQL`,
      );
      if (!agree) throw new Error(`naive ${JSON.stringify(naiveAllowed)} vs SQL ${JSON.stringify(sample.channels)}`);

      console.log(
        JSON.stringify({
          reachabilityBookMs: Math.max(...PURPOSES.map((p) => figures[`book.${p}`])),
          reachabilitySegmentMs: Math.max(...PURPOSES.map((p) => figures[`segment.${p}`])),
          perPurposeMs: figures,
          naiveSampleMs: ms(naiveMs),
          naiveSample: NAIVE_SAMPLE,
          customers,
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
