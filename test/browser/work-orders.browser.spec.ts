import { Browser } from 'playwright-core';
import { ManualClock } from '../../src/common/clock';
import { launchBrowser, screenshot, signedIn } from '../support/browser';
import { store } from '../support/outbox.builders';
import { startTestApp, TestApp } from '../support/test-app';

// Tuesday 1 December 2026, 10:00 in Shanghai.
const NOW = new Date('2026-12-01T02:00:00Z');

/** An agent takes and resolves a work order in a real browser; the supervisor sees it and the SLA figures. */
describe('the work-order console in a browser', () => {
  const clock = new ManualClock(NOW);
  let t: TestApp;
  let browser: Browser;
  let manager: string;
  let ops: string;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp({}, { clock, listen: true }), launchBrowser()]);
    [manager, ops] = await Promise.all([t.keyFor('campaign_manager'), t.keyFor('ops')]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lets an agent take the next order and resolve it, and shows the supervisor the figures', async () => {
    const agent = await t.consoleUser('agent');
    const supervisor = await t.consoleUser('ops');
    await t.http
      .put('/work-queues/risk-desk')
      .set('Authorization', `Bearer ${ops}`)
      .send({ supervisorId: supervisor.id, memberIds: [agent.id] })
      .expect(200);
    await t.http
      .post('/alert-rules')
      .set('Authorization', `Bearer ${manager}`)
      .send({
        name: 'Risk raised to high',
        rule: { field: 'riskLevel', op: 'eq', value: 'high' },
        severity: 'critical',
        queue: 'risk-desk',
        slaMinutes: 60,
      })
      .expect(201);
    const customer = await store.customer(t.db, { riskLevel: 'low' });
    await t.http.patch(`/customers/${customer.id}`).set('Authorization', `Bearer ${ops}`).send({ riskLevel: 'high' }).expect(200);

    const page = await signedIn(browser, t.config.publicBaseUrl, agent);
    await page.goto('/console/work-orders');
    await page.getByRole('heading', { name: 'Work orders' }).waitFor();
    await page.locator('tr', { hasText: 'Risk raised to high' }).waitFor();
    await screenshot(page, 'work-orders-agent');
    await page.getByRole('button', { name: 'Take the next order' }).click();
    await page.waitForURL(/\/console\/work-orders\/[0-9a-f-]{36}$/);
    await page.locator('dd.status', { hasText: 'In progress' }).waitFor();
    clock.advance(20 * 60_000);
    await page.getByLabel('Outcome').selectOption('resolved_with_customer');
    await page.getByLabel('Note').fill('called; the customer explained the new debt');
    await page.getByRole('button', { name: 'Resolve' }).click();
    await page.locator('dd.status', { hasText: 'Resolved' }).waitFor();
    await page.locator('table.history tr', { hasText: 'called; the customer explained the new debt' }).waitFor();

    const lead = await signedIn(browser, t.config.publicBaseUrl, supervisor);
    await lead.goto('/console/work-orders?status=resolved');
    await lead.locator('table.work-orders tr', { hasText: 'Risk raised to high' }).waitFor();
    const figures = lead.locator('table.work-order-stats tr', { hasText: 'risk-desk' });
    await figures.waitFor();
    expect(await figures.textContent()).toContain('100 %');
    expect(await figures.textContent()).toContain('20 min');
    // The chart over time: today's bar, all of it within SLA.
    await lead.locator('section.sla-chart svg rect.bar-delivered').waitFor();
    expect(await lead.locator('section.sla-chart title').last().textContent()).toBe('2026-12-01: 1 opened, 1 within SLA, 0 late');
    // A supervisor has no "take the next" button: agents take orders.
    expect(await lead.getByRole('button', { name: 'Take the next order' }).count()).toBe(0);
    await screenshot(lead, 'work-orders-supervisor');
  });
});
