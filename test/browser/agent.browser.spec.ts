import { Browser } from 'playwright-core';
import { statusCallbackPath, TWILIO_WEBHOOK_PATHS } from '../../src/channels/twilio-webhook.paths';
import { TwilioWebhookSigner } from '../../src/channels/twilio-webhook.signer';
import { ManualClock } from '../../src/common/clock';
import { Customer } from '../../src/customers/customer.entity';
import { FraudCasesService } from '../../src/flows/fraud/fraud-cases.service';
import { launchBrowser, screenshot, signedIn } from '../support/browser';
import { store } from '../support/outbox.builders';
import { startTestApp, TestApp } from '../support/test-app';
import { suspiciousTransaction } from '../support/fraud.builders';

// Monday 23 November 2026, 10:00 in Shanghai: calls are allowed.
const NOW = new Date('2026-11-23T02:00:00Z');

/** An agent's journey in a real browser: take a fraud task, read the script, call, record "not fraud". */
describe('the agent console in a browser', () => {
  const clock = new ManualClock(NOW);
  let t: TestApp;
  let browser: Browser;
  let integration: string;
  let ops: string;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp({}, { clock, listen: true }), launchBrowser()]);
    [integration, ops] = await Promise.all([t.keyFor('integration'), t.keyFor('ops')]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** A suspicious transaction nobody answered: the fraud team's task. */
  async function unansweredFraudCase(customer: Customer): Promise<string> {
    const { body } = await t.http
      .post('/transactions')
      .set('Authorization', `Bearer ${integration}`)
      .send(suspiciousTransaction(`TXN-${customer.externalRef}`, customer.externalRef, NOW.toISOString()))
      .expect(200);
    await t.app.get(FraudCasesService).ivrInput({ caseId: body.caseId, customerId: customer.id }, '0', {});
    return body.caseId;
  }

  it('takes a fraud task, reads the generated script, calls, records "not fraud", and the profile shows it', async () => {
    const customer = await store.customer(t.db, { fullName: 'Ada Lovelace', locale: 'en' });
    const caseId = await unansweredFraudCase(customer);
    const agent = await t.consoleUser('agent', { phone: '+8613900000001' });

    const page = await signedIn(browser, t.config.publicBaseUrl, agent);
    await page.getByRole('heading', { name: 'My queue' }).waitFor();
    const row = page.locator('tr', { hasText: 'Fraud' });
    await row.waitFor();
    await screenshot(page, 'agent-queue');
    // The queue masks the name; the task shows what the call needs.
    await page.getByText('Ada Lovelace').waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Take the next task' }).click();
    await page.waitForURL(/\/console\/agent\/tasks\//);
    const script = page.getByRole('region', { name: 'Script' });
    await script.getByText('security team', { exact: false }).first().waitFor();
    expect(await script.textContent()).toContain('Ada Lovelace');
    expect(await page.locator('[data-check]').count()).toBeGreaterThanOrEqual(3);
    await page.getByRole('region', { name: 'Open fraud case' }).getByText('Luxury Watches Ltd').waitFor();
    // The phone number is masked; the card shows its last four digits only.
    expect(await page.content()).not.toContain(customer.phone!);

    await page.getByRole('button', { name: 'Call the customer' }).click();
    await page.getByText('Calling — your phone will ring').waitFor();

    // An answer about the card before the identity steps is refused by the server, whatever the page allowed.
    const checks = await page.locator('[data-check]').all();
    for (const check of checks.slice(1)) await check.check();
    await page.getByLabel('Outcome', { exact: true }).selectOption('not_fraud');
    await page.getByRole('button', { name: 'Save and close the task' }).click();
    await page.getByText('Tick every identity step of the script').waitFor();
    const [open] = await t.db.query(`SELECT closed_at FROM work_orders WHERE subject_ref = $1`, [caseId]);
    expect(open.closed_at).toBeNull();
    await page.goBack();

    for (const check of checks) await check.check();
    await screenshot(page, 'agent-task');
    await page.getByLabel('Outcome', { exact: true }).selectOption('not_fraud');
    // The form shows only what the chosen outcome needs.
    expect(await page.getByLabel(/Call back at/).isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Save and close the task' }).click();
    await page.getByText('Disposition saved; the task is closed.').waitFor();

    const outcomes = await t.http.get(`/customers/${customer.id}/outcomes`).set('Authorization', `Bearer ${ops}`).expect(200);
    expect(outcomes.body.lastDisposition.code).toBe('not_fraud');
    expect(outcomes.body.verification.result).toBe('genuine');
    const fraudCase = await t.http.get(`/fraud-cases/${caseId}`).set('Authorization', `Bearer ${ops}`).expect(200);
    expect(fraudCase.body.status).toBe('confirmed_genuine');
    const [task] = await t.db.query(`SELECT status, assignee_id AS taken_by FROM work_orders WHERE subject_ref = $1`, [caseId]);
    expect(task).toEqual({ status: 'resolved', taken_by: agent.id });
    const [call] = await t.db.query(`SELECT status, detail FROM contact_attempts WHERE customer_id = $1 AND channel = 'call'`, [
      customer.id,
    ]);
    expect(call.detail).toBe(`click-to-call by ${agent.username}`);
  });

  it('refuses a call back the policy would not allow, naming the field, and keeps the task open', async () => {
    const customer = await store.customer(t.db, { locale: 'en' });
    await unansweredFraudCase(customer);
    const agent = await t.consoleUser('agent');
    const page = await signedIn(browser, t.config.publicBaseUrl, agent);
    await page.getByRole('button', { name: 'Take the next task' }).click();
    await page.waitForURL(/\/console\/agent\/tasks\//);
    await page.getByLabel('Outcome', { exact: true }).selectOption('call_back_at');
    // 23:30 in Shanghai: inside the quiet hours.
    await page.getByLabel(/Call back at/).fill('2026-11-23T23:30');
    await page.getByRole('button', { name: 'Save and close the task' }).click();
    await page.locator('.field-errors').getByText('Call back at').waitFor();
    expect(await page.locator('.field-errors').textContent()).toMatch(/not allowed/);
    const [task] = await t.db.query(`SELECT closed_at FROM work_orders WHERE customer_id = $1`, [customer.id]);
    expect(task.closed_at).toBeNull();
  });

  it('refuses a form posted from the signed-in browser without its CSRF token', async () => {
    const customer = await store.customer(t.db, { locale: 'en' });
    await unansweredFraudCase(customer);
    const agent = await t.consoleUser('agent');
    const page = await signedIn(browser, t.config.publicBaseUrl, agent);
    // The session cookie goes with it (the browser context's request); only the token is missing.
    const forged = await page.request.post('/console/agent/next', { form: {}, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('This form has expired');
    const [task] = await t.db.query(`SELECT assignee_id AS taken_by FROM work_orders WHERE customer_id = $1`, [customer.id]);
    expect(task.taken_by).toBeNull();
    const stolen = await page.request.post('/console/agent/next', {
      form: { _csrf: 'a-token-from-another-session' },
      maxRedirects: 0,
    });
    expect(stolen.status()).toBe(403);
  });

  it('speaks Chinese to an agent who chooses it', async () => {
    const agent = await t.consoleUser('agent');
    const page = await signedIn(browser, t.config.publicBaseUrl, agent);
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('heading', { name: '我的任务' }).waitFor();
    await page.getByRole('button', { name: '领取下一个任务' }).waitFor();
  });
});

/**
 * The call's live state on the task page, with nobody reloading it: Twilio's status callbacks
 * (posted here by hand, the sandbox's own progress switched off) reach the page as server-sent events.
 */
describe('the agent desk shows the call as Twilio reports it', () => {
  const clock = new ManualClock(NOW);
  let t: TestApp;
  let browser: Browser;
  let integration: string;

  beforeAll(async () => {
    [t, browser] = await Promise.all([
      startTestApp({ SANDBOX_AUTO_CALLBACKS: 'false' }, { clock, listen: true }),
      launchBrowser(),
    ]);
    integration = await t.keyFor('integration');
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Twilio's signed call status callback for the attempt, as it would post it. */
  async function callStatus(attemptId: string, status: string): Promise<void> {
    const path = statusCallbackPath(TWILIO_WEBHOOK_PATHS.callStatus, attemptId);
    const [{ provider_ref }] = await t.db.query(`SELECT provider_ref FROM contact_attempts WHERE id = $1`, [attemptId]);
    const params = { CallSid: provider_ref, CallStatus: status, AnsweredBy: 'human' };
    const signer = t.app.get(TwilioWebhookSigner);
    await t.http
      .post(path)
      .type('form')
      .set('X-Twilio-Signature', signer.sign(signer.publicUrl(path), params))
      .send(params)
      .expect(200);
  }

  it('ringing, in progress, completed: each appears on the page without a reload', async () => {
    const customer = await store.customer(t.db, { fullName: 'Grace Hopper', locale: 'en' });
    const { body } = await t.http
      .post('/transactions')
      .set('Authorization', `Bearer ${integration}`)
      .send(suspiciousTransaction(`TXN-${customer.externalRef}`, customer.externalRef, NOW.toISOString()))
      .expect(200);
    await t.app.get(FraudCasesService).ivrInput({ caseId: body.caseId, customerId: customer.id }, '0', {});
    const agent = await t.consoleUser('agent', { phone: '+8613900000002' });
    const page = await signedIn(browser, t.config.publicBaseUrl, agent);
    await page.getByRole('button', { name: 'Take the next task' }).click();
    await page.waitForURL(/\/console\/agent\/tasks\//);
    await page.getByRole('button', { name: 'Call the customer' }).click();
    await page.getByText('Calling — your phone will ring').waitFor();
    const state = page.locator('[data-call-state]');
    await page.locator('[data-call-events]').waitFor();
    expect(await state.textContent()).toBe('Calling…');
    // A mark on this very document: a reload would lose it.
    await page.evaluate("window.kept = 'this page'");
    const url = page.url();
    const [{ id: attemptId }] = await t.db.query(
      `SELECT id FROM contact_attempts WHERE customer_id = $1 AND channel = 'call' AND detail LIKE 'click-to-call%'`,
      [customer.id],
    );

    await callStatus(attemptId, 'ringing');
    await page.locator('[data-call-state]', { hasText: 'Ringing' }).waitFor();
    await callStatus(attemptId, 'in-progress');
    await page.locator('[data-call-state]', { hasText: 'In progress' }).waitFor();
    await callStatus(attemptId, 'completed');
    await page.locator('[data-call-state]', { hasText: 'Completed' }).waitFor();
    expect(await page.locator('[data-call-events]').getAttribute('data-status')).toBe('completed');
    expect(await page.evaluate('window.kept')).toBe('this page');
    expect(page.url()).toBe(url);
    await screenshot(page, 'agent-call-live');
  });

  /** An agent's page on a fraud task it took and called: the page and the call's attempt. */
  async function calling(phone: string) {
    const customer = await store.customer(t.db, { locale: 'en' });
    const { body } = await t.http
      .post('/transactions')
      .set('Authorization', `Bearer ${integration}`)
      .send(suspiciousTransaction(`TXN-${customer.externalRef}`, customer.externalRef, NOW.toISOString()))
      .expect(200);
    await t.app.get(FraudCasesService).ivrInput({ caseId: body.caseId, customerId: customer.id }, '0', {});
    const page = await signedIn(browser, t.config.publicBaseUrl, await t.consoleUser('agent', { phone }));
    await page.getByRole('button', { name: 'Take the next task' }).click();
    await page.waitForURL(/\/console\/agent\/tasks\//);
    await page.getByRole('button', { name: 'Call the customer' }).click();
    await page.locator('[data-call-events]').waitFor();
    const [{ id: attemptId }] = await t.db.query(
      `SELECT id FROM contact_attempts WHERE customer_id = $1 AND channel = 'call' AND detail LIKE 'click-to-call%'`,
      [customer.id],
    );
    return { page, attemptId };
  }

  it("two agents' pages open at once in the same browser each get their own call's states", async () => {
    const first = await calling('+8613900000004');
    const second = await calling('+8613900000005');
    await callStatus(second.attemptId, 'ringing');
    await second.page.locator('[data-call-state]', { hasText: 'Ringing' }).waitFor();
    await callStatus(first.attemptId, 'in-progress');
    await first.page.locator('[data-call-state]', { hasText: 'In progress' }).waitFor();
    await callStatus(second.attemptId, 'in-progress');
    await second.page.locator('[data-call-state]', { hasText: 'In progress' }).waitFor();
    await callStatus(first.attemptId, 'completed');
    await first.page.locator('[data-call-state]', { hasText: 'Completed' }).waitFor();
    expect(await second.page.locator('[data-call-state]').textContent()).toBe('In progress');
  });

  it('an unanswered call\'s stream says "No answer" and ends, and is the agent\'s only: another agent is refused it', async () => {
    const { page, attemptId } = await calling('+8613900000003');
    const taskPath = new URL(page.url()).pathname;
    await callStatus(attemptId, 'no-answer');
    await page.locator('[data-call-state]', { hasText: 'No answer' }).waitFor();
    // The stream the page reads, as the agent's browser session gets it: the state now, final, then the end.
    const stream = await page.request.get(
      `${taskPath}/call/events?call=${encodeURIComponent(new URL(page.url()).searchParams.get('called')!)}`,
    );
    expect(stream.headers()['content-type']).toContain('text/event-stream');
    expect(await stream.text()).toBe('event: call\ndata: {"status":"no_answer","label":"No answer","final":true}\n\n');

    const other = await signedIn(browser, t.config.publicBaseUrl, await t.consoleUser('agent'));
    const refused = await other.request.get(`${taskPath}/call/events`, { maxRedirects: 0 });
    expect(refused.status()).toBe(403);
  });
});
