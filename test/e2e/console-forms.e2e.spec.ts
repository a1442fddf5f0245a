import { ManualClock } from '../../src/common/clock';
import { agentTask } from '../support/agent-work';
import { signedIn, signInAs, SignedIn } from '../support/console-session';
import { store } from '../support/outbox.builders';
import { startTestApp, TestApp } from '../support/test-app';
import { suspiciousTransaction } from '../support/fraud.builders';

// Monday 23 November 2026, 10:00 in Shanghai.
const NOW = new Date('2026-11-23T02:00:00Z');

/**
 * Forms that keep their input: a refused form comes back as the page it was, with each problem
 * next to its field in the reader's language — the three cases by name — and pages for
 * refusals with a way back. No developer text (paths, API sentences, codes) reaches the person.
 */
describe('console forms keep their input', () => {
  const clock = new ManualClock(NOW);
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
  });
  afterAll(() => t.close());

  /** A customer with a fraud case whose verification task this agent holds. */
  async function heldTask(agentId: string) {
    const customer = await store.customer(t.db, { locale: 'en' });
    const res = await t.http
      .post('/transactions')
      .set('Authorization', `Bearer ${await t.keyFor('integration')}`)
      .send(suspiciousTransaction(`TXN-FORMS-${customer.externalRef}`, customer.externalRef, NOW.toISOString()))
      .expect(200);
    const taskId = await agentTask(t.db, {
      customerId: customer.id,
      takenBy: agentId,
      kind: 'fraud_verification',
      subjectRef: res.body.caseId,
      priority: 300,
    });
    return { customer, taskId };
  }

  const userId = async (session: SignedIn) =>
    ((await t.db.query(`SELECT id FROM users WHERE username = $1`, [session.username])) as { id: string }[])[0].id;

  describe('a call back without a time', () => {
    it('comes back on the task page, the field marked, what was typed and ticked kept; the task stays open', async () => {
      const agent = await signedIn(t, 'agent');
      const { taskId } = await heldTask(await userId(agent));
      const response = await t.http
        .post(`/console/agent/tasks/${taskId}/disposition`)
        .set('Cookie', agent.cookie)
        .type('form')
        .send({
          _csrf: agent.csrf,
          code: 'call_back_at',
          callBackAt: '',
          note: 'rang twice, asked for tomorrow',
          check: ['0', '2'],
        });
      expect(response.status).toBe(400);
      expect(response.headers['content-type']).toMatch(/html/);
      expect(response.text).toContain(`action="/console/agent/tasks/${taskId}/disposition"`);
      expect(response.text).toContain('<strong>Call back at</strong>: is needed for a call back: pick a date and time');
      expect(response.text).toContain('data-field="callBackAt">is needed for a call back: pick a date and time</span>');
      expect(response.text).toContain('aria-invalid="true" aria-describedby="callBackAt-error"');
      expect(response.text).toContain('<option value="call_back_at" selected>');
      expect(response.text).toContain('>rang twice, asked for tomorrow</textarea>');
      expect(response.text).toMatch(/name="check" value="0"[^>]*checked/);
      expect(response.text).not.toMatch(/name="check" value="1"[^>]*checked/);
      expect(response.text).toMatch(/name="check" value="2"[^>]*checked/);
      // No developer text.
      expect(response.text).not.toContain('call_back_at, and only it');
      expect(response.text).not.toContain('required with call_back_at');
      const [task] = await t.db.query(`SELECT closed_at AS "closedAt" FROM work_orders WHERE id = $1`, [taskId]);
      expect(task.closedAt).toBeNull();
    });

    it('says it in Chinese to a Chinese agent', async () => {
      const agent = await signInAs(t, await t.consoleUser('agent', { locale: 'zh-CN' }));
      const { taskId } = await heldTask(await userId(agent));
      const response = await t.http
        .post(`/console/agent/tasks/${taskId}/disposition`)
        .set('Cookie', agent.cookie)
        .type('form')
        .send({ _csrf: agent.csrf, code: 'call_back_at' });
      expect(response.status).toBe(400);
      expect(response.text).toContain('<strong>回电时间</strong>: 选择“约定回电”时必须填写回电时间');
    });
  });

  describe('a segment value out of range', () => {
    const rule = JSON.stringify({ all: [{ field: 'daysPastDue', op: 'gte', value: 99999999999 }] });

    it('comes back on the editor with where and what in words, the rule and name as typed', async () => {
      const manager = await signedIn(t, 'campaign_manager');
      const response = await t.http
        .post('/console/segments')
        .set('Cookie', manager.cookie)
        .type('form')
        .send({ _csrf: manager.csrf, name: 'Very late', rule, purpose: 'collections' });
      expect(response.status).toBe(400);
      expect(response.text).toContain('data-segment-form');
      expect(response.text).toContain('value="Very late"');
      expect(response.text).toContain('99999999999');
      expect(response.text).toContain('Rule, condition 1, value: must be a whole number from');
      expect(response.text).not.toContain('rule.all.0.value must');
    });

    it('in Chinese for a Chinese manager', async () => {
      const manager = await signInAs(t, await t.consoleUser('campaign_manager', { locale: 'zh-CN' }));
      const response = await t.http
        .post('/console/segments/count')
        .set('Cookie', manager.cookie)
        .type('form')
        .send({ _csrf: manager.csrf, name: '', rule, purpose: 'collections' });
      expect(response.status).toBe(400);
      expect(response.text).toMatch(/规则第 1 个条件的取值: 必须是 -?\d+ 到 \d+ 之间的整数/);
    });
  });

  describe('refusals as pages', () => {
    it('answers a page for another role with a 403 page in words and a way back to where the person was', async () => {
      const agent = await signedIn(t, 'agent');
      const response = await t.http
        .get('/console/ops/log')
        .set('Cookie', agent.cookie)
        .set('Host', 'herald.example')
        .set('Referer', 'https://herald.example/console/agent');
      expect(response.status).toBe(403);
      expect(response.headers['content-type']).toMatch(/html/);
      expect(response.text).toContain('Your role may not open this page.');
      expect(response.text).toContain('<a class="button" href="/console/agent" data-back-link>Go back</a>');
    });

    it('never offers a way back to another site', async () => {
      const agent = await signedIn(t, 'agent');
      const response = await t.http
        .get('/console/ops/log')
        .set('Cookie', agent.cookie)
        .set('Referer', 'https://evil.example/console/x');
      expect(response.status).toBe(403);
      expect(response.text).not.toContain('evil.example');
    });
  });
});
