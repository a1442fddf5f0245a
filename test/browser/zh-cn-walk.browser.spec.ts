import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { ManualClock } from '../../src/common/clock';
import { Role } from '../../src/auth/role';
import { agentTask } from '../support/agent-work';
import { launchBrowser, signedIn } from '../support/browser';
import { store } from '../support/outbox.builders';
import { startTestApp, TestApp } from '../support/test-app';
import { suspiciousTransaction } from '../support/fraud.builders';

// Monday 23 November 2026, 10:00 in Shanghai.
const NOW = new Date('2026-11-23T02:00:00Z');

/**
 * What a code looks like when it reaches a person untranslated: snake_case (`fraud_confirmed`),
 * UPPER_CASE (`QUIET_HOURS`), an API field name in camelCase (`daysPastDue`).
 */
const CODE = /\b(?:[a-z]+(?:_[a-z0-9]+)+|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[a-z]+(?:[A-Z][a-z0-9]+)+)\b/g;

/** A word in Latin letters: in a zh-CN page only names and references (the data) may be written so. */
const ENGLISH = /[A-Za-z]{2,}/g;
/** The product's name, and the language picker naming English in English (as each language names itself). */
const NOT_ENGLISH_TEXT = new Set(['Herald', 'English']);

/** The text a person reads on the page: what is rendered, minus code shown as code (template keys) and the URL bar. */
async function readable(page: Page): Promise<string> {
  // A select's options are read too: each is something a person picks.
  return page.evaluate(`(() => {
    const body = document.body.cloneNode(true);
    for (const element of body.querySelectorAll('code, script, style, template, [hidden], textarea')) element.remove();
    return body.innerText;
  })()`);
}

/**
 * Every page of every role, in Chinese: a code reaching a person untranslated fails the test,
 * naming the page and the code. Pages are opened with data on them (a fraud case, deferred and
 * suppressed contacts with their reasons, a segment, a campaign, a work order), so their codes show.
 */
describe('the console in Chinese, page by page', () => {
  const clock = new ManualClock(NOW);
  let t: TestApp;
  let browser: Browser;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp({}, { clock, listen: true }), launchBrowser()]);
    const customer = await store.customer(t.db, { fullName: '王小明', externalRef: 'CUST-WANG', daysPastDue: 35 });
    ids.customer = customer.id;
    await store.task(t.db, customer, {
      purpose: 'collections',
      channel: 'call',
      templateKey: 'collections-early',
      dueAt: new Date('2026-11-24T00:00:00Z'),
      reasons: [{ code: 'QUIET_HOURS', window: '08:00-22:00', zone: 'Asia/Shanghai', until: '2026-11-24T00:00:00.000Z' }],
    });
    await store.task(t.db, customer, {
      purpose: 'marketing',
      templateKey: 'new-card-offer',
      status: 'suppressed',
      reasons: [{ code: 'OPTED_OUT', channel: 'sms', scope: 'all', source: 'sms_keyword', since: '2026-11-19T16:30:00.000Z' }],
    });
    await t.db.query(
      `INSERT INTO consent_events (customer_id, channel, scope, state, source, at) VALUES ($1, 'sms', 'all', 'revoked', 'sms_keyword', $2)`,
      [customer.id, new Date('2026-11-19T16:30:00Z')],
    );
    const integration = await t.keyFor('integration');
    const fraud = await t.http
      .post('/transactions')
      .set('Authorization', `Bearer ${integration}`)
      .send(suspiciousTransaction('TXN-ZH-1', customer.externalRef, NOW.toISOString()))
      .expect(200);
    ids.case = fraud.body.caseId;
    const manager = await t.keyFor('campaign_manager');
    const segment = await t.http
      .post('/segments')
      .set('Authorization', `Bearer ${manager}`)
      .send({ name: '逾期 30 天以上', rule: { all: [{ field: 'daysPastDue', op: 'gte', value: 30 }] } })
      .expect(201);
    ids.segment = segment.body.id;
    const campaign = await t.http
      .post('/campaigns')
      .set('Authorization', `Bearer ${manager}`)
      .send({
        name: '还款提醒',
        purpose: 'service',
        plan: [{ channel: 'sms', template: 'repayment-reminder-before-due' }],
        audience: { segmentId: ids.segment },
        startsAt: '2026-11-24T01:00:00Z',
        endsAt: '2026-11-30T00:00:00Z',
      })
      .expect(201);
    ids.campaign = campaign.body.id;
    const ops = await t.keyFor('ops');
    const order = await t.http
      .post(`/customers/${customer.id}/complaints`)
      .set('Authorization', `Bearer ${ops}`)
      .send({ summary: '客户投诉来电太频繁' });
    ids.workOrder = order.body?.id;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function walk(role: Role, paths: string[], before?: (userId: string) => Promise<void>) {
    const person = await t.consoleUser(role, { locale: 'zh-CN', displayName: '测试员工' });
    if (before) {
      const [{ id }] = await t.db.query(`SELECT id FROM users WHERE username = $1`, [person.username]);
      await before(id);
    }
    const page = await signedIn(browser, t.config.publicBaseUrl, person);
    const untranslated: string[] = [];
    for (const path of paths) {
      const response = await page.goto(path);
      expect([path, response?.status()]).toEqual([path, expect.any(Number)]);
      const text = await readable(page);
      expect([path, /[\u4e00-\u9fff]/.test(text)]).toEqual([path, true]);
      for (const code of new Set(text.match(CODE) ?? [])) untranslated.push(`${path}: ${code}`);
    }
    expect(untranslated).toEqual([]);
  }

  it('ops', async () => {
    await walk('ops', [
      '/console/ops/log',
      `/console/ops/customers/${ids.customer}`,
      `/console/ops/customers/${ids.customer}/eligibility?purpose=collections&channel=call&at=&zone=Asia%2FShanghai`,
      '/console/ops/dashboard',
      '/console/ops/audit',
      '/console/customers?q=CUST-WANG',
      `/console/customers/${ids.customer}`,
      '/console/customers/imports',
      '/console/nowhere',
    ]);
  });

  it('campaign managers', async () => {
    await walk('campaign_manager', [
      '/console/segments',
      '/console/segments/new',
      `/console/segments/${ids.segment}`,
      '/console/campaigns',
      '/console/campaigns/new',
      `/console/campaigns/${ids.campaign}`,
      `/console/campaigns/${ids.campaign}/edit`,
      `/console/campaigns/${ids.campaign}/confirm/launch`,
      `/console/customers/${ids.customer}`,
      '/console/ops/log',
    ]);
  });

  it('work orders, for the supervisor and the agent holding one: no English left', async () => {
    const supervisor = await t.consoleUser('ops', { locale: 'zh-CN', displayName: '测试主管' });
    const agent = await t.consoleUser('agent', { locale: 'zh-CN', displayName: '测试坐席' });
    await t.db.query(`UPDATE work_orders SET assignee_id = $1, status = 'in_progress' WHERE id = $2`, [agent.id, ids.workOrder]);
    const english: string[] = [];
    for (const [person, paths] of [
      [supervisor, ['/console/work-orders', '/console/work-orders?status=in_progress', `/console/work-orders/${ids.workOrder}`]],
      [agent, ['/console/work-orders', `/console/work-orders/${ids.workOrder}`]],
    ] as const) {
      const page = await signedIn(browser, t.config.publicBaseUrl, person);
      for (const path of paths) {
        await page.goto(path);
        const text = await readable(page);
        for (const word of new Set(text.match(ENGLISH) ?? [])) if (!NOT_ENGLISH_TEXT.has(word)) english.push(`${path}: ${word}`);
      }
    }
    expect(english).toEqual([]);
  });

  it('draws the Chinese with real glyphs, not a box per character (the CJK font reaches Chromium)', async () => {
    const page = await signedIn(browser, t.config.publicBaseUrl, await t.consoleUser('ops', { locale: 'zh-CN' }));
    await page.goto('/console/work-orders');
    // Two characters in the page's own font: missing, both are the same empty box, narrower than the 1 em a CJK glyph takes.
    await page.evaluate(`(() => {
      for (const [id, text] of [['glyph-a', '中'], ['glyph-b', '国']]) {
        const span = document.createElement('span');
        span.id = id;
        span.style.fontSize = '40px';
        span.textContent = text;
        document.querySelector('h1').append(span);
      }
    })()`);
    const [a, b] = await Promise.all([page.locator('#glyph-a').screenshot(), page.locator('#glyph-b').screenshot()]);
    expect(a.equals(b)).toBe(false);
    expect(await page.locator('#glyph-a').evaluate((span) => span.getBoundingClientRect().width)).toBeGreaterThanOrEqual(38);
    await page.screenshot({ path: join(tmpdir(), 'herald-zh-cn-work-orders.png'), fullPage: true });
  });

  it('agents', async () => {
    let taskId = '';
    await walk('agent', ['/console/agent'], async (agentId) => {
      taskId = await agentTask(t.db, {
        customerId: ids.customer,
        takenBy: agentId,
        kind: 'fraud_verification',
        subjectRef: ids.case,
        priority: 300,
      });
    });
    const person = await t.consoleUser('agent', { locale: 'zh-CN', displayName: '测试坐席' });
    const [{ id }] = await t.db.query(`SELECT id FROM users WHERE username = $1`, [person.username]);
    await t.db.query(`UPDATE work_orders SET assignee_id = $1, status = 'in_progress' WHERE id = $2`, [id, taskId]);
    const page = await signedIn(browser, t.config.publicBaseUrl, person);
    const untranslated: string[] = [];
    for (const path of [`/console/agent/tasks/${taskId}`, `/console/customers/${ids.customer}`]) {
      await page.goto(path);
      for (const code of new Set((await readable(page)).match(CODE) ?? [])) untranslated.push(`${path}: ${code}`);
    }
    expect(untranslated).toEqual([]);
  });
});
