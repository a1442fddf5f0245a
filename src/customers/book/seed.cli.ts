/**
 * `npm run seed -- --customers N --seed S [--today YYYY-MM-DD]`: a generated customer book in
 * DATABASE_URL's database, or the embedded one under DATA_DIR when it is unset. Running it
 * again with the same options changes nothing.
 */
import 'reflect-metadata';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../config/app-config';
import { dataSourceOptions } from '../../database/data-source-options';
import { startEmbeddedDatabase } from '../../database/embedded-database';
import { migrate } from '../../database/migrate';
import { seedCustomerBook } from './customer-book.writer';

interface Arguments {
  customers: number;
  seed: number;
  today: string;
}

function parseArguments(argv: string[]): Arguments {
  const named = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(`unexpected argument "${argv[i]}"`);
    named.set(argv[i].slice(2), argv[i + 1]);
  }
  const unknown = [...named.keys()].filter((name) => !['customers', 'seed', 'today'].includes(name));
  if (unknown.length) throw new Error(`unknown option --${unknown[0]}`);
  const customers = Number(named.get('customers') ?? 1000);
  const seed = Number(named.get('seed') ?? 1);
  const today = named.get('today') ?? DateTime.now().setZone('Asia/Shanghai').toISODate()!;
  if (!Number.isSafeInteger(customers) || customers < 0) throw new Error('--customers must be a whole number');
  if (!Number.isSafeInteger(seed)) throw new Error('--seed must be a whole number');
  return { customers, seed, today };
}

async function main(): Promise<void> {
  const args = parseArguments(process.argv.slice(2));
  const config = loadConfig(process.env);
  const embedded = config.databaseUrl ? undefined : await startEmbeddedDatabase(config.dataDir);
  const url = config.databaseUrl ?? embedded!.url;
  try {
    await migrate(url);
    const db = await new DataSource(dataSourceOptions(url)).initialize();
    try {
      const started = Date.now();
      let tenths = 0;
      const result = await seedCustomerBook(db, {
        ...args,
        onProgress: (done) => {
          if (Math.floor((done * 10) / args.customers) <= tenths) return;
          tenths = Math.floor((done * 10) / args.customers);
          console.log(`  ${done.toLocaleString('en')} customers written`);
        },
      });
      const seconds = (Date.now() - started) / 1000;
      console.log(
        `seeded ${args.customers.toLocaleString('en')} customers (seed ${args.seed}, today ${args.today}) in ${seconds.toFixed(1)} s: ` +
          `${result.inserted} new, ${result.updated} changed, ${args.customers - result.inserted - result.updated} unchanged`,
      );
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
