import { ManualClock } from '../../src/common/clock';
import { signInAs } from '../support/console-session';
import { eventually } from '../support/eventually';
import { FakeTwilio } from '../support/fake-twilio.server';
import { store } from '../support/outbox.builders';
import { SmtpSink } from '../support/smtp-sink';
import { startTestApp, TestApp } from '../support/test-app';

// Monday 23 November 2026, 23:30 in Shanghai: quiet hours for any customer, none for staff.
const NOW = new Date('2026-11-23T15:30:00Z');
const SEEDS = ['+8613800000001', '+8613800000002'];

/**
 * A test send before launch: the campaign's first step to the staff seed list, through the real
 * channels (Twilio's API and SMTP, here their local fakes), marked [TEST], in every language,
 * outside the customer book, its log and its caps — audited.
 */
describe('a campaign’s test send', () => {
  const clock = new ManualClock(NOW);
  let t: TestApp;
  let twilio: FakeTwilio;
  let smtp: SmtpSink;
  let manager: { id: string; key: string };
  let refs: string[];
  let drafts = 0;

  const as = (key: string) => ({ Authorization: `Bearer ${key}` });
  const draft = (channel: string) =>
    t.http
      .post('/campaigns')
      .set(as(manager.key))
      .send({
        name: `reminder by ${channel} ${++drafts}`,
        purpose: 'service',
        plan: [{ channel, template: 'repayment-reminder-before-due' }],
        audience: { customerRefs: refs },
        startsAt: '2026-11-24T01:00:00Z',
        endsAt: '2026-11-30T00:00:00Z',
      })
      .expect(201)
      .then((res) => res.body.id as string);

  beforeAll(async () => {
    [twilio, smtp] = await Promise.all([FakeTwilio.start(), SmtpSink.start()]);
    t = await startTestApp(
      {
        ...twilio.env({ TWILIO_FROM_NUMBER: '+15005550006' }),
        SMTP_URL: smtp.url,
        CAMPAIGN_TEST_PHONES: SEEDS.join(', '),
        CAMPAIGN_TEST_EMAILS: 'qa@card-centre.example',
      },
      { clock },
    );
    manager = await t.userFor('campaign_manager');
    refs = [(await store.customer(t.db, { locale: 'zh-CN' })).externalRef];
  });
  afterAll(async () => {
    await t?.close();
    await twilio?.close();
    await smtp?.close();
  });

  it('sends the first SMS to every seed in each language, marked, and touches no customer', async () => {
    const id = await draft('sms');
    const response = await t.http.post(`/campaigns/${id}/test-send`).set(as(manager.key)).expect(200);
    expect(response.body).toMatchObject({ campaignId: id, template: 'repayment-reminder-before-due', channel: 'sms' });
    expect(response.body.results).toHaveLength(4);
    expect(new Set(response.body.results.map((r: { locale: string }) => r.locale))).toEqual(new Set(['zh-CN', 'en']));
    for (const result of response.body.results) {
      expect(result.providerRef).toMatch(/^SM/);
      expect(result.to).toMatch(/\*{4}/);
    }
    expect(twilio.messages.map((m) => m.to).sort()).toEqual([...SEEDS, ...SEEDS].sort());
    for (const message of twilio.messages) expect(message.body.startsWith('[TEST] ')).toBe(true);
    // Outside the book: no contact, no attempt, nothing any cap would count; the campaign still a draft.
    const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM contact_attempts`);
    expect(count).toBe(0);
    const campaign = await t.http.get(`/campaigns/${id}`).set(as(manager.key)).expect(200);
    expect(campaign.body.status).toBe('draft');
    // Who sent which campaign's test is on record.
    const audit = await eventually(async () => {
      const rows = await t.db.query(`SELECT action, target, status FROM audit_events WHERE actor_id = $1 AND target = $2`, [
        manager.id,
        id,
      ]);
      if (!rows.some((r: { action: string }) => r.action.includes('testSend'))) throw new Error('not audited yet');
      return rows;
    });
    expect(audit).toEqual(expect.arrayContaining([expect.objectContaining({ status: 200 })]));
  });

  it('sends a first e-mail to the e-mail seeds over SMTP', async () => {
    const id = await draft('email');
    const response = await t.http.post(`/campaigns/${id}/test-send`).set(as(manager.key)).expect(200);
    expect(response.body.results).toHaveLength(2);
    const mails = await smtp.waitFor(2);
    expect(mails.map((m) => m.envelope.to).flat()).toEqual(['qa@card-centre.example', 'qa@card-centre.example']);
    for (const mail of mails) expect(mail.parsed.subject).toMatch(/^\[TEST\] /);
  });

  it('says so on the console, in the manager’s language', async () => {
    const id = await draft('sms');
    const person = await t.consoleUser('campaign_manager', { locale: 'zh-CN' });
    const session = await signInAs(t, person);
    const page = await t.http.get(`/console/campaigns/${id}`).set('Cookie', session.cookie).expect(200);
    expect(page.text).toContain(`action="/console/campaigns/${id}/test-send"`);
    const sent = await t.http
      .post(`/console/campaigns/${id}/test-send`)
      .set('Cookie', session.cookie)
      .type('form')
      .send({ _csrf: session.csrf })
      .expect(200);
    expect(sent.text).toContain('测试发送');
    expect((sent.text.match(/<tr data-status="/g) ?? []).length).toBe(4);
    expect(sent.text).toContain('中文');
  });

  it('refuses without seeds for the step’s channel, saying which setting', async () => {
    const bare = await startTestApp({}, { clock });
    try {
      const key = await bare.keyFor('campaign_manager');
      const ref = (await store.customer(bare.db)).externalRef;
      const created = await bare.http
        .post('/campaigns')
        .set(as(key))
        .send({
          name: 'no seeds',
          purpose: 'service',
          plan: [{ channel: 'sms', template: 'repayment-reminder-before-due' }],
          audience: { customerRefs: [ref] },
          startsAt: '2026-11-24T01:00:00Z',
          endsAt: '2026-11-30T00:00:00Z',
        })
        .expect(201);
      const refused = await bare.http.post(`/campaigns/${created.body.id}/test-send`).set(as(key)).expect(409);
      expect(refused.body.error.code).toBe('CAMPAIGN_TEST_SEEDS_MISSING');
      expect(refused.body.error.message).toContain('CAMPAIGN_TEST_PHONES');
    } finally {
      await bare.close();
    }
  });
});
