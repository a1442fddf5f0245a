import { readFile } from 'node:fs/promises';
import { Browser } from 'playwright-core';
import { ManualClock } from '../../src/common/clock';
import { launchBrowser, screenshot, signedIn } from '../support/browser';
import { store } from '../support/outbox.builders';
import { startTestApp, TestApp } from '../support/test-app';

// Friday 20 November 2026, 21:40 in Shanghai.
const NOW = new Date('2026-11-20T13:40:00Z');

/** Ops in a real browser: filter the contact log, export it, follow a customer; an agent is kept out. */
describe('the ops console in a browser', () => {
  const clock = new ManualClock(NOW);
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp({}, { clock, listen: true }), launchBrowser()]);
    const ada = await store.customer(t.db, { fullName: 'Ada Lovelace', externalRef: 'CUST-ADA', phone: '+8613812345678' });
    const bo = await store.customer(t.db, { fullName: 'Bo Zhang', externalRef: 'CUST-BO' });
    await store.task(t.db, ada, {
      purpose: 'collections',
      channel: 'call',
      templateKey: 'collections-early',
      dueAt: new Date('2026-11-21T00:00:00Z'),
      reasons: [{ code: 'QUIET_HOURS', window: '08:00-22:00', zone: 'Asia/Shanghai', until: '2026-11-21T00:00:00.000Z' }],
    });
    const sent = await store.task(t.db, ada, { status: 'sent' });
    await t.db.query(
      `INSERT INTO contact_attempts (customer_id, task_id, purpose, channel, provider, provider_ref, status, attempted_at, updated_at)
       VALUES ($1, $2, 'service', 'sms', 'sandbox', 'SM-1', 'delivered', $3, $4)`,
      [ada.id, sent.id, new Date('2026-11-20T02:00:00Z'), new Date('2026-11-20T02:02:00Z')],
    );
    await store.task(t.db, bo, {
      purpose: 'marketing',
      templateKey: 'promo',
      status: 'suppressed',
      reasons: [{ code: 'OPTED_OUT', channel: 'sms', scope: 'all', source: 'sms_keyword', since: '2026-11-19T16:30:00.000Z' }],
    });
    await t.db.query(
      `INSERT INTO consent_events (customer_id, channel, scope, state, source, at) VALUES ($1, 'sms', 'all', 'revoked', 'sms_keyword', $2)`,
      [bo.id, new Date('2026-11-19T16:30:00Z')],
    );
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('filters the log, exports the CSV, and follows a customer to their timeline', async () => {
    const page = await signedIn(browser, t.config.publicBaseUrl, await t.consoleUser('ops'));
    await page.getByRole('heading', { name: 'Contact log' }).waitFor();
    await page.locator('tr[data-status]').first().waitFor();
    expect(await page.locator('tr[data-status]').count()).toBe(3);
    await screenshot(page, 'ops-log');

    await page.getByLabel('Customer (id, reference or phone)').fill('CUST-ADA');
    await page.getByLabel('Status').selectOption('pending');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/status=pending/);
    const rows = page.locator('tr[data-status]');
    expect(await rows.count()).toBe(1);
    expect(await rows.locator('td.why').innerText()).toBe(
      'deferred — quiet hours (contact hours 08:00-22:00) until 2026-11-21 08:00 Asia/Shanghai',
    );
    // The filters stay filled in, and the export carries them.
    expect(await page.getByLabel('Status').inputValue()).toBe('pending');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export CSV (masked)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^contact-log-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^updatedAt,customerRef,customerName,phone,/);
    expect(lines[1]).toContain('CUST-ADA');
    expect(lines[1]).toContain('+86138****5678');
    expect(csv).not.toContain('Ada Lovelace');

    await page.getByRole('link', { name: 'CUST-ADA' }).click();
    await page.getByRole('heading', { name: 'Customer CUST-ADA' }).waitFor();
    expect(await page.locator('tr[data-kind="contact"]').count()).toBe(2);
    await screenshot(page, 'ops-timeline');

    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    expect(await page.locator('svg.chart rect').count()).toBe(1);
    await screenshot(page, 'ops-dashboard');

    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    expect(await page.locator('.audit-log code', { hasText: 'console.signIn' }).count()).toBeGreaterThan(0);
    await screenshot(page, 'ops-audit');
  });

  it('finds a customer by a phone typed with spaces and asks "can we contact them now?"', async () => {
    const page = await signedIn(browser, t.config.publicBaseUrl, await t.consoleUser('ops'));
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByLabel('Phone, name, reference or card’s last four').fill('+86 138 1234-5678');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'CUST-ADA' }).click();
    await page.getByRole('heading', { name: 'Customer CUST-ADA' }).waitFor();
    // 21:40 on a Friday in Shanghai: a service call (08:00-21:00) waits for 08:00; a fraud SMS may go at any hour.
    const call = page.locator('tr[data-purpose="service"] td[data-channel="call"]');
    expect(await call.getAttribute('data-allowed')).toBe('no');
    expect(await call.locator('[data-next-customer]').innerText()).toBe(
      'Next allowed: 2026-11-21 08:00 Asia/Shanghai (customer)',
    );
    expect(await page.locator('tr[data-purpose="fraud"] td[data-channel="sms"]').getAttribute('data-allowed')).toBe('yes');
    // The viewer in London sees the same instant in their own zone too.
    await page.locator('select[name="zone"]').selectOption('Europe/London');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/zone=Europe%2FLondon/);
    expect(await call.locator('[data-next-viewer]').innerText()).toBe('2026-11-21 00:00 Europe/London (you)');
    await screenshot(page, 'ops-customer-360');
  });

  it('shows a wrong filter as an error naming the field', async () => {
    const page = await signedIn(browser, t.config.publicBaseUrl, await t.consoleUser('ops'));
    const response = await page.goto('/console/ops/log?from=2026-11-21T00:00&to=2026-11-20T00:00');
    expect(response?.status()).toBe(400);
    // On the log's own form, next to the field, in words.
    expect(await page.locator('.field-error[data-field="to"]').innerText()).toBe('must be later than “From”');
    expect(await page.locator('input[name="to"]').inputValue()).toBe('2026-11-20T00:00');
  });

  it('keeps an agent out of the ops pages (403)', async () => {
    const page = await signedIn(browser, t.config.publicBaseUrl, await t.consoleUser('agent'));
    expect(await page.locator('nav[aria-label="main"] a', { hasText: 'Contact log' }).count()).toBe(0);
    for (const path of ['/console/ops/log', '/console/ops/dashboard', '/console/ops/audit', '/console/ops/log.csv']) {
      const response = await page.goto(path);
      expect([path, response?.status()]).toEqual([path, 403]);
      await page.getByText('Your role may not open this page.').waitFor();
    }
  });
});
