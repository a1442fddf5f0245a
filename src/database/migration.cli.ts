/**
 * `npm run migration:run | migration:revert | migration:generate -- Name`
 * Against DATABASE_URL, or the embedded database under DATA_DIR when it is unset.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { startEmbeddedDatabase } from './embedded-database';
import { migrate } from './migrate';

async function main([command, name]: string[]): Promise<void> {
  const config = loadConfig(process.env);
  const embedded = config.databaseUrl ? undefined : await startEmbeddedDatabase(config.dataDir);
  const url = config.databaseUrl ?? embedded!.url;
  try {
    if (command === 'run') console.log('applied:', (await migrate(url)).join(', ') || 'nothing pending');
    else if (command === 'revert') await withDataSource(url, (ds) => ds.undoLastMigration());
    else if (command === 'generate' && name) await withDataSource(url, (ds) => generate(ds, name));
    else throw new Error('usage: migration.cli run | revert | generate <Name>');
  } finally {
    await embedded?.stop();
  }
}

async function withDataSource(url: string, work: (ds: DataSource) => Promise<unknown>) {
  const ds = await new DataSource(dataSourceOptions(url)).initialize();
  try {
    await work(ds);
  } finally {
    await ds.destroy();
  }
}

/** Writes the SQL that brings the schema in line with the entities; review it before committing. */
async function generate(ds: DataSource, name: string) {
  const sql = await ds.driver.createSchemaBuilder().log();
  if (sql.upQueries.length === 0) return console.log('the schema matches the entities: nothing to generate');
  const stamp = Date.now();
  const className = `${name.replace(/[^A-Za-z0-9]/g, '')}${stamp}`;
  const lines = (queries: { query: string }[]) =>
    queries.map((q) => `    await queryRunner.query(\`${q.query.replace(/`/g, '\\`')}\`);`).join('\n');
  const file = join(__dirname, '..', '..', '..', 'migrations', `${stamp}-${name}.ts`);
  writeFileSync(
    file,
    `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
${lines(sql.upQueries)}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${lines(sql.downQueries.reverse())}
  }
}
`,
  );
  console.log(`wrote ${file}`);
}

main(process.argv.slice(2)).catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
