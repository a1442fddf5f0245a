import { Readable } from 'node:stream';
import { generateCustomer } from '../../src/customers/book/customer-book.generator';
import { CustomerRow } from '../../src/customers/customer-row.validator';
import { ImportMode } from '../../src/customers/import/customer-import.entity';
import { CustomerImportsService } from '../../src/customers/import/customer-imports.service';
import { csvHeader, IMPORT_FILE_COLUMNS, toCsvLine, toNdjsonLine } from '../../src/customers/import/import-file.format';
import { ImportView } from '../../src/customers/import/import-progress.estimator';
import { startTestApp, TestApp } from '../support/test-app';

const TODAY = '2025-03-14';

/** A valid generated customer with its external reference made unique to the test. */
const given = (ref: string, overrides: Partial<CustomerRow> = {}, index = 0): CustomerRow => ({
  ...generateCustomer(11, index, TODAY),
  externalRef: ref,
  ...overrides,
});

const csv = (...rows: (CustomerRow | string)[]) =>
  csvHeader() + rows.map((row) => (typeof row === 'string' ? row : toCsvLine(row))).join('');

/** A CSV line with one cell replaced by raw text, for values the validator must refuse. */
const withCell = (row: CustomerRow, column: string, value: string) => {
  const line = toCsvLine({ ...row, attributes: {} })
    .trimEnd()
    .split(',');
  line[IMPORT_FILE_COLUMNS.indexOf(column)] = value;
  return `${line.join(',')}\n`;
};

describe('customer import (integration)', () => {
  let t: TestApp;
  let imports: CustomerImportsService;

  beforeAll(async () => {
    t = await startTestApp();
    imports = t.app.get(CustomerImportsService);
  });
  afterAll(() => t.close());

  const run = (body: string | AsyncIterable<Buffer | string>, mode: ImportMode = 'partial', contentType = 'text/csv') =>
    imports.start({
      body: typeof body === 'string' ? Readable.from([Buffer.from(body)]) : body,
      contentType,
      mode,
      bytesTotal: typeof body === 'string' ? Buffer.byteLength(body) : undefined,
    });

  const customersWithPrefix = async (prefix: string) =>
    (await t.db.query('SELECT count(*)::int AS n FROM customers WHERE external_ref LIKE $1', [`${prefix}%`]))[0].n as number;

  const allRejections = async (job: ImportView) => (await imports.rejections(job.id, { limit: 500, offset: 0 })).items;

  it('imports the good rows of a partial import and reports each refused row by number, field and reason', async () => {
    const rows = [
      given('P-1'),
      withCell(given('P-2'), 'phone', '12345'),
      given('P-3'),
      withCell(given('P-4'), 'credit_limit', '12.50'),
      withCell(given('P-5'), 'timezone', 'Mars/Olympus'),
    ];
    const job = await run(csv(...rows));

    expect(job).toMatchObject({
      status: 'succeeded',
      rowsDone: 5,
      rowsInserted: 2,
      rejectedCount: 3,
      rowsTotal: 5,
      rowsTotalBasis: 'counted',
    });
    expect(await customersWithPrefix('P-')).toBe(2);
    const rejections = await allRejections(job);
    expect(rejections.map((r) => [r.rowNumber, r.field, r.externalRef])).toEqual([
      [2, 'phone', 'P-2'],
      [4, 'credit_limit', 'P-4'],
      [5, 'timezone', 'P-5'],
    ]);
    expect(rejections[1].reason).toMatch(/whole number of minor units/);
  });

  it('leaves nothing written when an all-or-nothing import refuses a row, yet reports the row', async () => {
    const good = Array.from({ length: 30 }, (_, i) => given(`A-${i}`, {}, i));
    const job = await run(
      csv(...good.slice(0, 20), withCell(given('A-bad'), 'full_name', ''), ...good.slice(20)),
      'all_or_nothing',
    );

    expect(job).toMatchObject({
      status: 'failed',
      rowsDone: 31,
      rowsInserted: 0,
      rejectedCount: 1,
      error: { code: 'IMPORT_ROWS_REJECTED' },
    });
    expect(await customersWithPrefix('A-')).toBe(0);
    const consent = await t.db.query(`SELECT count(*)::int AS n FROM consent_events WHERE evidence->>'importId' = $1`, [job.id]);
    expect(consent[0].n).toBe(0);
    expect(await allRejections(job)).toEqual([
      expect.objectContaining({ rowNumber: 21, field: 'full_name', reason: 'is required' }),
    ]);
  });

  it('commits an all-or-nothing import whose rows are all good', async () => {
    const job = await run(csv(given('AOK-1'), given('AOK-2', {}, 1)), 'all_or_nothing');
    expect(job).toMatchObject({ status: 'succeeded', rowsInserted: 2, rejectedCount: 0 });
    expect(await customersWithPrefix('AOK-')).toBe(2);
  });

  it('upserts by external reference and leaves unchanged profiles untouched', async () => {
    const first = [given('U-1'), given('U-2', {}, 1), given('U-3', {}, 2)];
    expect(await run(csv(...first))).toMatchObject({ rowsInserted: 3, rowsUpdated: 0 });
    const [before] = await t.db.query(`SELECT updated_at FROM customers WHERE external_ref = 'U-3'`);

    const second = [{ ...first[0], creditLimit: first[0].creditLimit + 100_00 }, first[1], first[2], given('U-4', {}, 3)];
    const job = await run(csv(...second));

    expect(job).toMatchObject({ status: 'succeeded', rowsDone: 4, rowsInserted: 1, rowsUpdated: 1 });
    const [changed] = await t.db.query(`SELECT credit_limit::bigint AS limit FROM customers WHERE external_ref = 'U-1'`);
    expect(Number(changed.limit)).toBe(first[0].creditLimit + 100_00);
    const [after] = await t.db.query(`SELECT updated_at FROM customers WHERE external_ref = 'U-3'`);
    expect(after.updated_at).toEqual(before.updated_at);
  });

  it('upserts in an all-or-nothing import too, once a batch meets customers already in the book', async () => {
    const first = [given('AU-1'), given('AU-2', {}, 1)];
    expect(await run(csv(...first))).toMatchObject({ rowsInserted: 2 });

    const second = [given('AU-0', {}, 2), { ...first[0], city: '杭州' }, first[1]];
    const job = await run(csv(...second), 'all_or_nothing');

    expect(job).toMatchObject({ status: 'succeeded', rowsInserted: 1, rowsUpdated: 1 });
    const rows = await t.db.query(`SELECT external_ref, city FROM customers WHERE external_ref LIKE 'AU-%' ORDER BY 1`);
    expect(rows).toEqual([
      { external_ref: 'AU-0', city: second[0].city },
      { external_ref: 'AU-1', city: '杭州' },
      { external_ref: 'AU-2', city: first[1].city },
    ]);
  });

  it('stores text that needs escaping in COPY exactly as given', async () => {
    const attributes = { note: 'back\\slash, tab\tand\nnewline, "quotes", \\N', 中文: true };
    const row = given('E-1', { fullName: 'O\\Brien "Ted"', city: 'a,b', tags: ['x:y', '高价值'], attributes });
    expect(await run(csv(row))).toMatchObject({ status: 'succeeded', rowsInserted: 1 });
    const [stored] = await t.db.query(`SELECT full_name, city, tags, attributes FROM customers WHERE external_ref = 'E-1'`);
    expect(stored).toEqual({ full_name: 'O\\Brien "Ted"', city: 'a,b', tags: ['x:y', '高价值'], attributes });
  });

  it('takes the last of two rows with the same external reference', async () => {
    const job = await run(csv(given('D-1', { city: '北京' }), given('D-1', { city: '上海' })));
    expect(job).toMatchObject({ rowsDone: 2, rowsInserted: 1 });
    const [row] = await t.db.query(`SELECT city FROM customers WHERE external_ref = 'D-1'`);
    expect(row.city).toBe('上海');
  });

  it('appends imported consent to the ledger with its evidence, and only when it changes', async () => {
    const row = given('C-1', { consent: { sms: 'granted', email: 'revoked' } });
    const first = await run(csv(row));
    const ledger = () =>
      t.db.query(
        `SELECT e.channel, e.scope, e.state, e.source, e.evidence FROM consent_events e JOIN customers c ON c.id = e.customer_id
         WHERE c.external_ref = 'C-1' ORDER BY e.id`,
      );
    expect(await ledger()).toEqual([
      { channel: 'sms', scope: 'marketing', state: 'granted', source: 'import', evidence: { importId: first.id, row: 1 } },
      { channel: 'email', scope: 'marketing', state: 'revoked', source: 'import', evidence: { importId: first.id, row: 1 } },
    ]);

    await run(csv(row));
    expect(await ledger()).toHaveLength(2);

    const third = await run(csv({ ...row, consent: { sms: 'revoked', email: 'revoked', call: 'granted' } }));
    expect((await ledger()).slice(2)).toEqual([
      { channel: 'sms', scope: 'marketing', state: 'revoked', source: 'import', evidence: { importId: third.id, row: 1 } },
      { channel: 'call', scope: 'marketing', state: 'granted', source: 'import', evidence: { importId: third.id, row: 1 } },
    ]);
  });

  it('reads NDJSON with typed values, refusing unknown columns, bad JSON and strings for numbers', async () => {
    const lines = [
      toNdjsonLine(given('N-1', { phone: '13812345678', country: 'CN' })),
      '{"external_ref":"N-2","full_name":"Li Wei","shoe_size":42}\n',
      '{"external_ref":"N-3",\n',
      '\n',
      '{"external_ref":"N-4","full_name":"Wang Fang","credit_limit":"5000"}\n',
      '["not", "an", "object"]',
    ];
    const job = await run(lines.join(''), 'partial', 'application/x-ndjson; charset=utf-8');

    expect(job).toMatchObject({ status: 'succeeded', format: 'ndjson', rowsDone: 5, rowsInserted: 1, rejectedCount: 4 });
    const [stored] = await t.db.query(`SELECT phone FROM customers WHERE external_ref = 'N-1'`);
    expect(stored.phone).toBe('+8613812345678');
    expect((await allRejections(job)).map((r) => [r.rowNumber, r.field, r.reason])).toEqual([
      [2, 'shoe_size', 'is not a known column'],
      [3, 'row', 'is not valid JSON'],
      [4, 'credit_limit', 'must be a whole number of minor units (fen, cents)'],
      [5, 'row', 'must be a JSON object'],
    ]);
  });

  it('fails an import whose header names unknown columns or misses required ones, naming them', async () => {
    const job = await run('external_ref,fullname,shoe_size\nX-1,Li Wei,42\n');
    expect(job).toMatchObject({ status: 'failed', rowsDone: 0, error: { code: 'IMPORT_BAD_HEADER' } });
    expect(job.error!.details).toEqual(
      expect.arrayContaining([
        { field: 'fullname', reason: 'is not a known column' },
        { field: 'shoe_size', reason: 'is not a known column' },
        { field: 'full_name', reason: 'is a required column' },
      ]),
    );
  });

  it('fails on broken CSV quoting and keeps the batches a partial import committed before it', async () => {
    async function* body() {
      yield Buffer.from(csv(...Array.from({ length: 10_050 }, (_, i) => given(`Q-${i}`, {}, i))));
      yield Buffer.from('Q-broken,"Li Wei\n');
    }
    const job = await run(body());
    expect(job).toMatchObject({ status: 'failed', error: { code: 'IMPORT_MALFORMED_FILE' } });
    expect(await customersWithPrefix('Q-')).toBe(10_050);
  });

  it('records an upload that stops mid-file as aborted, and an all-or-nothing one leaves nothing', async () => {
    async function* body() {
      yield Buffer.from(csv(...Array.from({ length: 12_000 }, (_, i) => given(`AB-${i}`, {}, i))));
      throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    }
    const job = await run(body(), 'all_or_nothing');
    expect(job).toMatchObject({ status: 'failed', rowsInserted: 0, error: { code: 'IMPORT_ABORTED' } });
    expect(await customersWithPrefix('AB-')).toBe(0);
  });

  it('shows progress, rate and an estimate of the time left while an import runs', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const rows = Array.from({ length: 25_000 }, (_, i) => given(`PR-${i}`, {}, i));
    async function* body() {
      yield Buffer.from(csv(...rows.slice(0, 22_000)));
      await gate;
      yield Buffer.from(rows.slice(22_000).map(toCsvLine).join(''));
    }
    const finished = imports.start({ body: body(), contentType: 'text/csv', mode: 'partial', expectedRows: 25_000 });

    let running: ImportView | undefined;
    for (let attempt = 0; attempt < 200 && !running; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const [latest] = (await imports.list({ limit: 1, offset: 0 })).items;
      if (latest?.status === 'running' && latest.rowsDone >= 20_000) running = latest;
    }
    expect(running).toMatchObject({ rowsTotal: 25_000, rowsTotalBasis: 'declared', percent: expect.any(Number) });
    expect(running!.rowsDone).toBeLessThan(25_000);
    expect(running!.rowsPerSecond).toBeGreaterThan(0);
    expect(running!.etaSeconds).toBeGreaterThanOrEqual(0);

    release();
    expect(await finished).toMatchObject({ status: 'succeeded', rowsDone: 25_000, rowsInserted: 25_000, etaSeconds: null });
  });

  it('marks imports whose process stopped as abandoned when Herald starts, leaving live ones alone', async () => {
    const insert = (heartbeatMinutesAgo: number) =>
      t.db
        .query(
          `INSERT INTO customer_imports (format, mode, status, started_at, heartbeat_at)
           VALUES ('csv', 'partial', 'running', now(), now() - make_interval(mins => $1)) RETURNING id`,
          [heartbeatMinutesAgo],
        )
        .then(([row]) => row.id as string);
    const [stale, live] = [await insert(30), await insert(1)];

    await imports.onApplicationBootstrap();

    expect(await imports.get(stale)).toMatchObject({ status: 'failed', error: { code: 'IMPORT_ABANDONED' } });
    expect(await imports.get(live)).toMatchObject({ status: 'running', error: null });
  });

  it('refuses a body that is neither CSV nor NDJSON before creating a job', async () => {
    const before = (await imports.list({ limit: 1, offset: 0 })).total;
    await expect(run('{}', 'partial', 'application/json')).rejects.toMatchObject({
      code: 'IMPORT_UNSUPPORTED_MEDIA_TYPE',
      status: 415,
    });
    await expect(run('a', 'partial', 'text/csv; charset=gbk')).rejects.toMatchObject({ status: 415 });
    expect((await imports.list({ limit: 1, offset: 0 })).total).toBe(before);
  });
});
