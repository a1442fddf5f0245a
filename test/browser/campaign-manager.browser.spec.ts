import { Browser, Page } from 'playwright-core';
import { ManualClock } from '../../src/common/clock';
import { launchBrowser, screenshot, signedIn } from '../support/browser';
import { store } from '../support/outbox.builders';
import { startTestApp, TestApp } from '../support/test-app';

// Monday 23 November 2026, 10:00 in Shanghai: service SMS may go.
const NOW = new Date('2026-11-23T02:00:00Z');

/** A number the page shows, read as the person reads it. */
const shown = async (page: Page, selector: string) => Number(await page.locator(selector).first().textContent());

/** Waits until an element matching `selector` reads exactly `text` (the page changes it by itself). */
async function untilText(page: Page, selector: string, text: string, timeout = 5_000): Promise<void> {
  await page
    .locator(selector, { hasText: new RegExp(`^\\s*${text}\\s*$`) })
    .first()
    .waitFor({ timeout });
}
const funnelValue = (stage: string) => `#funnel g[data-stage="${stage}"] [data-value]`;

/**
 * A campaign manager's journey in a real browser, against Herald with its dispatcher running and
 * the sandbox playing Twilio: build a segment and see its count, launch, and watch the funnel move.
 */
describe('the campaign manager console in a browser', () => {
  const clock = new ManualClock(NOW);
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    [t, browser] = await Promise.all([
      startTestApp(
        // The dispatcher drains the outbox by itself; the sandbox's callbacks come a second after each send.
        { DISPATCH_ENABLED: 'true', DISPATCH_POLL_MS: '500', SMS_PER_SECOND: '0', SANDBOX_CALLBACK_DELAY_MS: '1000' },
        { clock, listen: true },
      ),
      launchBrowser(),
    ]);
    for (const [fullName, daysPastDue] of [
      ['Ada Lovelace', 45],
      ['王小明', 31],
      ['李娜', 60],
      ['Paid Up', 0],
    ] as const) {
      await store.customer(t.db, { fullName, daysPastDue, locale: /^[A-Z]/.test(fullName) ? 'en' : 'zh-CN' });
    }
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('builds a segment, sees its count, launches a campaign and sees the funnel move', async () => {
    const page = await signedIn(browser, t.config.publicBaseUrl, await t.consoleUser('campaign_manager'));
    expect(new URL(page.url()).pathname).toBe('/console/segments');

    // The rule builder writes the JSON; the live count follows it without a submit.
    await page.getByRole('link', { name: 'New segment' }).click();
    await untilText(page, '[data-count-value]', '4');
    await page.getByLabel('Name').fill('Overdue 30+');
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByLabel('Field').selectOption('daysPastDue');
    await page.getByLabel('Operator').selectOption('gte');
    await page.getByLabel('Value', { exact: true }).fill('30');
    await untilText(page, '[data-count-value]', '3');
    expect(JSON.parse(await page.locator('textarea[name="rule"]').inputValue())).toEqual({
      all: [{ field: 'daysPastDue', op: 'gte', value: 30 }],
    });
    await untilText(page, 'tr[data-bucket="reachableNow"] td', '3');
    expect(await page.locator('.segment-count').textContent()).not.toContain('Ada Lovelace');
    await screenshot(page, 'campaigns-segment-editor');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Segment saved.').waitFor();

    // The campaign: its message previewed, created as a draft with its forecast.
    await page.getByRole('link', { name: 'New campaign for it' }).first().click();
    await page.getByLabel('Name').fill('Overdue reminders');
    await page.getByLabel('Purpose').selectOption('service');
    await page.locator('select[name="steps[0][template]"]').selectOption('repayment-reminder-before-due');
    await page.getByRole('button', { name: 'Preview messages' }).click();
    await page.locator('[data-preview="repayment-reminder-before-due/zh-CN"] .sms').waitFor();
    await screenshot(page, 'campaigns-new');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await untilText(page, '.forecast .count', '3');
    await screenshot(page, 'campaigns-draft-forecast');

    // Launch asks first: the audience, who can be reached now, the time it takes, what it costs.
    await page.getByRole('link', { name: 'Launch' }).click();
    expect(await shown(page, '[data-audience]')).toBe(3);
    expect(await page.locator('tr[data-channel="sms"] td').first().textContent()).toBe('3');
    await page.locator('[data-cost-total]').waitFor();
    await screenshot(page, 'campaigns-launch-review');
    // Launched, the page refreshes its funnel by itself (no reload) as the sandbox delivers.
    await page.getByRole('button', { name: 'Yes, launch now' }).click();
    await page.locator('#funnel[data-status="running"]').waitFor();
    await page.evaluate('window.sameDocument = true');
    expect(await shown(page, funnelValue('targeted'))).toBe(3);
    expect(await shown(page, funnelValue('delivered'))).toBe(0);
    await untilText(page, funnelValue('sent'), '3', 10_000);
    await untilText(page, funnelValue('delivered'), '3', 10_000);
    expect(await page.evaluate('window.sameDocument')).toBe(true);
    await screenshot(page, 'campaigns-funnel');

    await page.getByRole('link', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Yes, pause' }).click();
    await untilText(page, 'h1 [data-campaign-status]', 'Paused');
    await page.getByRole('link', { name: 'Campaigns' }).click();
    expect(await page.locator('tbody tr').first().textContent()).toContain('Overdue reminders');
    await screenshot(page, 'campaigns-list');
  });

  it('asks for the message values of the templates chosen, as they are chosen', async () => {
    const page = await signedIn(browser, t.config.publicBaseUrl, await t.consoleUser('campaign_manager'));
    await page.goto('/console/campaigns/new');
    const link = page.getByLabel('Link (URL)');
    const product = page.getByLabel('Card product offered');
    expect(await link.isVisible()).toBe(false);
    await page.getByLabel('Purpose').selectOption('marketing');
    await page.locator('select[name="steps[0][channel]"]').selectOption('email');
    await page.locator('select[name="steps[0][template]"]').selectOption('new-card-offer');
    await link.waitFor();
    expect(await product.isVisible()).toBe(true);
    expect(await page.getByLabel('Monthly instalment').count()).toBe(0);
    await link.fill('https://card.example.cn/apply');
    // The SMS variant needs no link: the input goes, and is not sent.
    await page.locator('select[name="steps[0][channel]"]').selectOption('sms');
    await link.waitFor({ state: 'hidden' });
    expect(await link.isDisabled()).toBe(true);
    expect(await product.isVisible()).toBe(true);
  });

  it('offers only the templates of the campaign’s purpose and the step’s channel', async () => {
    const page = await signedIn(browser, t.config.publicBaseUrl, await t.consoleUser('campaign_manager'));
    await page.goto('/console/campaigns/new');
    const offered = () =>
      page
        .locator('select[name="steps[0][template]"] option:not([disabled])')
        .evaluateAll((options) => options.map((option) => (option as unknown as { value: string }).value).filter(Boolean));
    await page.getByLabel('Purpose').selectOption('service');
    await page.locator('select[name="steps[0][template]"]').selectOption('repayment-reminder-before-due');
    expect(await offered()).toContain('repayment-reminder-before-due');
    expect(await offered()).not.toContain('fraud-verification');
    // A marketing campaign: the service template chosen is cleared and no longer offered; no call script is.
    await page.getByLabel('Purpose').selectOption('marketing');
    expect(await page.locator('select[name="steps[0][template]"]').inputValue()).toBe('');
    expect(await offered()).toEqual(['card-activation', 'new-card-offer']);
    await page.locator('select[name="steps[0][channel]"]').selectOption('call');
    expect(await offered()).toEqual([]);
  });

  it('launches a marketing campaign only once a second manager approved it, and an edit asks again', async () => {
    const [author, approver] = await Promise.all([
      signedIn(browser, t.config.publicBaseUrl, await t.consoleUser('campaign_manager')),
      signedIn(browser, t.config.publicBaseUrl, await t.consoleUser('campaign_manager', { displayName: 'Mei Chen' })),
    ]);
    const [{ id: segmentId }] = await t.db.query(`SELECT id FROM segments WHERE name = 'Overdue 30+'`);
    await author.goto(`/console/campaigns/new?segmentId=${segmentId}`);
    await author.getByLabel('Name').fill('Activate your card');
    await author.getByLabel('Purpose').selectOption('marketing');
    await author.locator('select[name="steps[0][template]"]').selectOption('card-activation');
    await author.getByRole('button', { name: 'Create draft' }).click();
    await author.locator('[data-approval="missing"]').waitFor();
    const url = author.url();

    // The author's launch page shows the review but no launch button.
    await author.getByRole('link', { name: 'Launch' }).click();
    await author.locator('[data-blocked]').waitFor();
    expect(await author.getByRole('button', { name: 'Yes, launch now' }).count()).toBe(0);

    // A second manager rejects with a reason, then approves.
    await approver.goto(url);
    await approver.getByRole('button', { name: 'Reject' }).click();
    // The reason is required: the browser keeps the form until it is given.
    expect(approver.url()).toBe(url);
    await approver.getByLabel('Reason for rejecting').fill('Wait for the statement run on the 25th');
    await approver.getByRole('button', { name: 'Reject' }).click();
    await approver.locator('[data-decision="rejected"]', { hasText: 'Wait for the statement run' }).waitFor();
    await approver.getByRole('button', { name: 'Approve' }).click();
    await approver.locator('[data-approval="approved"]').waitFor();
    await screenshot(approver, 'campaigns-approval');

    // The author edits the draft: the approval is withdrawn and asked for again.
    await author.goto(url);
    expect(await author.locator('[data-approval]').textContent()).toContain('Approved by Mei Chen');
    await author.getByRole('link', { name: 'Edit draft' }).click();
    expect(await author.getByLabel('Name').inputValue()).toBe('Activate your card');
    await author.getByLabel('Name').fill('Activate your new card');
    await author.getByRole('button', { name: 'Save changes' }).click();
    await author.locator('[data-approval="missing"]').waitFor();
    expect(await author.locator('h1').textContent()).toContain('Activate your new card');

    await approver.goto(url);
    await approver.getByRole('button', { name: 'Approve' }).click();
    await approver.locator('[data-approval="approved"]').waitFor();
    await author.goto(url);
    await author.getByRole('link', { name: 'Launch' }).click();
    await author.getByRole('button', { name: 'Yes, launch now' }).click();
    await author
      .locator('h1 [data-campaign-status]')
      .filter({ hasText: /Running|Scheduled/ })
      .waitFor();
  });

  it('keeps an agent out of the campaign pages', async () => {
    const page = await signedIn(browser, t.config.publicBaseUrl, await t.consoleUser('agent'));
    const response = await page.goto('/console/campaigns');
    expect(response?.status()).toBe(403);
    expect(await page.textContent('main')).toContain('Your role may not open this page.');
  });
});
