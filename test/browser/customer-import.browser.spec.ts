import { Browser } from 'playwright-core';
import { ManualClock } from '../../src/common/clock';
import { launchBrowser, screenshot, signedIn } from '../support/browser';
import { signInAs } from '../support/console-session';
import { startTestApp, TestApp } from '../support/test-app';

const NOW = new Date('2026-11-23T02:00:00Z');

const FILE = [
  'external_ref,full_name,phone,card_status',
  'IMP-1,Li Wei,138 1234 5678,active',
  'IMP-2,Wang Fang,12345,active',
  'IMP-3,Zhang Min,13912345678,lost',
  'IMP-4,Chen Jie,+86 137 0000 1111,',
].join('\n');

/** Importing customers from the console: the API's import behind a page, its refusals said for people. */
describe('customer import in the console', () => {
  const clock = new ManualClock(NOW);
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp({}, { clock, listen: true }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('uploads a file, shows the counts and each refused row, in English and in Chinese', async () => {
    const page = await signedIn(browser, t.config.publicBaseUrl, await t.consoleUser('ops'));
    await page.getByRole('link', { name: 'Import' }).click();
    await page.getByLabel('CSV file').setInputFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(FILE) });
    await page.getByRole('button', { name: 'Upload and import' }).click();
    await page.waitForURL(/\/console\/customers\/imports\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop()!;

    await expect(page.locator('[data-import-summary]').innerText()).resolves.toBe('4 rows read: 2 added, 0 updated, 2 refused.');
    const rows = await page.locator('tr[data-rejection]').allInnerTexts();
    expect(rows.map((row) => row.split('\t').map((cell) => cell.trim()))).toEqual([
      ['2', 'IMP-2', 'Phone phone', 'is not a valid mobile number (read as a CN number unless it starts with +)'],
      ['3', 'IMP-3', 'Card status card_status', 'must be one of active, not_activated, on_hold, blocked'],
    ]);
    await screenshot(page, 'customers-import');
    const imported = await t.db.query(`SELECT external_ref FROM customers WHERE external_ref LIKE 'IMP-%' ORDER BY 1`);
    expect(imported.map((c: { external_ref: string }) => c.external_ref)).toEqual(['IMP-1', 'IMP-4']);

    // One rule, every door: the API reads the console's import, refusals and all, as its own.
    const api = await t.http.get(`/customers/imports/${id}/rejections`).set('Authorization', `Bearer ${await t.keyFor('ops')}`);
    expect(api.body.items.map((r: { rowNumber: number; field: string }) => `${r.rowNumber} ${r.field}`)).toEqual([
      '2 phone',
      '3 card_status',
    ]);

    const chinese = await signedIn(browser, t.config.publicBaseUrl, await t.consoleUser('campaign_manager', { locale: 'zh-CN' }));
    await chinese.goto(`/console/customers/imports/${id}`);
    await expect(chinese.locator('[data-import-summary]').innerText()).resolves.toBe(
      '已读取 4 行：新增 2 行，更新 0 行，拒绝 2 行。',
    );
    await expect(chinese.locator('tr[data-rejection="2"]').innerText()).resolves.toContain('不是有效的手机号码');
    await expect(chinese.locator('tr[data-rejection="3"]').innerText()).resolves.toContain('必须是以下之一');
    const csv = await chinese.request.get((await chinese.locator('[data-rejections-csv]').getAttribute('href'))!);
    expect((await csv.body()).toString('utf8').split(/\r?\n/).filter(Boolean)).toEqual([
      '\uFEFFrow,external_ref,column,problem',
      '2,IMP-2,phone,不是有效的手机号码（不以 + 开头时按 CN 号码读取）',
      '3,IMP-3,card_status,"必须是以下之一 active, not_activated, on_hold, blocked"',
    ]);
  });

  it('is refused to agents, and to a post without the form’s token', async () => {
    const agent = await signedIn(browser, t.config.publicBaseUrl, await t.consoleUser('agent'));
    const refused = await agent.goto('/console/customers/imports');
    expect(refused?.status()).toBe(403);

    const ops = await signInAs(t, await t.consoleUser('ops'));
    const forged = await t.http.post('/console/customers/imports').set('Cookie', ops.cookie).type('text/csv').send(FILE);
    expect(forged.status).toBe(403);
    const sent = await t.http
      .post('/console/customers/imports')
      .set('Cookie', ops.cookie)
      .set('X-CSRF-Token', ops.csrf)
      .type('text/csv')
      .send(FILE);
    expect([sent.status, sent.headers.location]).toEqual([
      303,
      expect.stringMatching(/^\/console\/customers\/imports\/[0-9a-f-]{36}$/),
    ]);
  });
});
