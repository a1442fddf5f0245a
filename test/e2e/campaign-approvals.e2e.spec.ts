import { ManualClock } from '../../src/common/clock';
import { eventually } from '../support/eventually';
import { store } from '../support/outbox.builders';
import { startTestApp, TestApp } from '../support/test-app';

// Monday 23 November 2026, 10:00 in Shanghai.
const NOW = new Date('2026-11-23T02:00:00Z');

/** Four eyes through the API: the same rules the console's buttons meet (console-campaigns e2e, browser test). */
describe('campaign approval and the launch review', () => {
  const clock = new ManualClock(NOW);
  let t: TestApp;
  let author: { id: string; key: string };
  let second: { id: string; key: string };
  let refs: string[];

  const as = (key: string) => ({ Authorization: `Bearer ${key}` });
  const draft = (body: Record<string, unknown>) =>
    t.http
      .post('/campaigns')
      .set(as(author.key))
      .send({ audience: { customerRefs: refs }, startsAt: '2026-11-23T01:00:00Z', endsAt: '2026-11-30T00:00:00Z', ...body })
      .then((res) => {
        expect([res.status, res.body.error]).toEqual([201, undefined]);
        return res.body.id as string;
      });

  beforeAll(async () => {
    t = await startTestApp(
      { CAMPAIGN_APPROVAL_AUDIENCE_ABOVE: '2', UNIT_PRICE_SMS_SEGMENT: '7', UNIT_PRICE_EMAIL: '1', UNIT_PRICE_CALL: '40' },
      { clock },
    );
    [author, second] = await Promise.all([t.userFor('campaign_manager'), t.userFor('campaign_manager')]);
    const customers = [
      await store.customer(t.db, { locale: 'zh-CN' }),
      await store.customer(t.db, { locale: 'en', fullName: 'Li Wei' }),
    ];
    refs = customers.map((c) => c.externalRef);
  });
  afterAll(() => t.close());

  it('launches a small service campaign on its author’s word', async () => {
    const id = await draft({
      name: 'small reminder',
      purpose: 'service',
      plan: [{ channel: 'sms', template: 'repayment-reminder-before-due' }],
    });
    const review = await t.http.get(`/campaigns/${id}/launch-review`).set(as(author.key)).expect(200);
    expect(review.body.approval).toMatchObject({ reasons: [], threshold: 2, approvedBy: null, decisions: [] });
    await t.http.post(`/campaigns/${id}/launch`).set(as(author.key)).expect(200);
  });

  it('needs a second manager for a marketing campaign: not its author, a rejection with a reason, an edit voids it', async () => {
    const id = await draft({
      name: 'activation push',
      purpose: 'marketing',
      plan: [{ channel: 'sms', template: 'card-activation' }],
    });
    const refused = await t.http.post(`/campaigns/${id}/launch`).set(as(author.key)).expect(409);
    expect(refused.body.error).toMatchObject({
      code: 'CAMPAIGN_APPROVAL_REQUIRED',
      details: [{ field: 'approval', reason: 'it is a marketing campaign' }],
    });
    const own = await t.http.post(`/campaigns/${id}/approve`).set(as(author.key)).expect(403);
    expect(own.body.error.code).toBe('CAMPAIGN_APPROVER_IS_AUTHOR');

    const blank = await t.http.post(`/campaigns/${id}/reject`).set(as(second.key)).send({ reason: '  ' }).expect(400);
    expect(blank.body.error.details).toEqual([expect.objectContaining({ field: 'reason' })]);
    await t.http.post(`/campaigns/${id}/reject`).set(as(second.key)).send({ reason: 'Say when the offer ends' }).expect(200);
    await t.http.post(`/campaigns/${id}/launch`).set(as(author.key)).expect(409);

    const approved = await t.http.post(`/campaigns/${id}/approve`).set(as(second.key)).expect(200);
    expect(approved.body).toMatchObject({ approvedBy: second.id, approvedAt: NOW.toISOString() });
    // The approval was of the old text: an edit lapses it.
    await t.http.patch(`/campaigns/${id}`).set(as(author.key)).send({ description: 'changed after approval' }).expect(200);
    await t.http.post(`/campaigns/${id}/launch`).set(as(author.key)).expect(409);
    await t.http.post(`/campaigns/${id}/approve`).set(as(second.key)).expect(200);

    const review = await t.http.get(`/campaigns/${id}/launch-review`).set(as(author.key)).expect(200);
    expect(review.body.approval).toMatchObject({ reasons: ['MARKETING'], approvedBy: second.id });
    expect(
      review.body.approval.decisions.map((d: { decision: string; reason: string | null }) => [d.decision, d.reason]),
    ).toEqual([
      ['approved', null],
      ['approved', null],
      ['rejected', 'Say when the offer ends'],
    ]);
    await t.http.post(`/campaigns/${id}/launch`).set(as(author.key)).expect(200);
    const funnel = await t.http.get(`/campaigns/${id}/funnel`).set(as(author.key)).expect(200);
    expect(funnel.body.progress).toMatchObject({ total: 2 });
    const named = await t.http.get('/campaigns?q=ACTIVATION').set(as(author.key)).expect(200);
    expect(named.body.items.map((c: { name: string }) => c.name)).toEqual(['activation push']);
    expect((await t.http.get('/campaigns?q=_').set(as(author.key)).expect(200)).body.total).toBe(0);
    const late = await t.http.post(`/campaigns/${id}/approve`).set(as(second.key)).expect(409);
    expect(late.body.error.code).toBe('CAMPAIGN_NOT_DRAFT');

    // Approvals, rejections and launches are in the audit log, refusals included.
    await eventually(async () => {
      const audit: { action: string; status: number; code: string | null }[] = await t.db.query(
        `SELECT action, status, code FROM audit_events WHERE target = $1 AND action <> 'campaigns.launchReview' ORDER BY id`,
        [id],
      );
      expect(audit.map((a) => `${a.action} ${a.status} ${a.code ?? ''}`.trim())).toEqual([
        'campaigns.create 201',
        'campaigns.launch 409 CAMPAIGN_APPROVAL_REQUIRED',
        'campaigns.approve 403 CAMPAIGN_APPROVER_IS_AUTHOR',
        'campaigns.reject 400 VALIDATION_FAILED',
        'campaigns.reject 200',
        'campaigns.launch 409 CAMPAIGN_APPROVAL_REQUIRED',
        'campaigns.approve 200',
        'campaigns.update 200',
        'campaigns.launch 409 CAMPAIGN_APPROVAL_REQUIRED',
        'campaigns.approve 200',
        'campaigns.launch 200',
        'campaigns.approve 409 CAMPAIGN_NOT_DRAFT',
      ]);
    });
  });

  it('approves only the revision the approver read: an edit made meanwhile is not approved unseen', async () => {
    const id = await draft({ name: 'offer', purpose: 'marketing', plan: [{ channel: 'sms', template: 'card-activation' }] });
    const read = await t.http.get(`/campaigns/${id}`).set(as(second.key)).expect(200);
    await t.http
      .patch(`/campaigns/${id}`)
      .set(as(author.key))
      .send({ description: 'edited while it was being read' })
      .expect(200);

    const stale = await t.http
      .post(`/campaigns/${id}/approve`)
      .set(as(second.key))
      .send({ revision: read.body.revision })
      .expect(409);
    expect(stale.body.error).toMatchObject({
      code: 'CAMPAIGN_CHANGED',
      details: [expect.objectContaining({ field: 'revision' })],
    });
    const bad = await t.http.post(`/campaigns/${id}/approve`).set(as(second.key)).send({ revision: 'latest' }).expect(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ field: 'revision' })]);
    const now = await t.http.get(`/campaigns/${id}`).set(as(second.key)).expect(200);
    expect(now.body.revision).toBeGreaterThan(read.body.revision);
    await t.http.post(`/campaigns/${id}/approve`).set(as(second.key)).send({ revision: now.body.revision }).expect(200);
    await t.http.post(`/campaigns/${id}/launch`).set(as(author.key)).expect(200);
  });

  it('never launches a campaign edited or rejected at the same moment: one of the two requests wins, whole', async () => {
    for (let round = 0; round < 24; round += 1) {
      const id = await draft({
        name: `race ${round}`,
        purpose: 'marketing',
        plan: [{ channel: 'sms', template: 'card-activation' }],
      });
      await t.http.post(`/campaigns/${id}/approve`).set(as(second.key)).expect(200);
      // Half the rounds edit the draft (which withdraws its approval), half reject it, each a little later
      // than the round before, so the withdrawal lands before, during and after the launch's checks.
      const launch = t.http.post(`/campaigns/${id}/launch`).set(as(author.key));
      const withdraw = new Promise((resolve) => setTimeout(resolve, round * 2)).then(() =>
        round % 2 === 0
          ? t.http.patch(`/campaigns/${id}`).set(as(author.key)).send({ description: 'edited during the launch' })
          : t.http.post(`/campaigns/${id}/reject`).set(as(second.key)).send({ reason: 'not this week' }),
      );
      const [launched, withdrawn] = await Promise.all([launch, withdraw]);
      const [row]: { status: string; description: string; approved_by: string | null }[] = await t.db.query(
        `SELECT status, description, approved_by FROM campaigns WHERE id = $1`,
        [id],
      );
      if (launched.status === 200) {
        expect([withdrawn.status, withdrawn.body.error?.code]).toEqual([409, 'CAMPAIGN_NOT_DRAFT']);
        expect(row).toMatchObject({ status: 'running', description: '', approved_by: second.id });
      } else {
        expect(withdrawn.status).toBe(200);
        expect(launched.status).toBe(409);
        expect(['CAMPAIGN_APPROVAL_REQUIRED', 'CAMPAIGN_CHANGED']).toContain(launched.body.error.code);
        expect(row).toMatchObject({ status: 'draft', approved_by: null });
      }
    }
  });

  it('needs one above the audience threshold whatever the purpose, and the schema refuses a self-approval', async () => {
    const third = await store.customer(t.db, {});
    refs = [...refs, third.externalRef];
    const id = await draft({
      name: 'three customers',
      purpose: 'service',
      plan: [{ channel: 'sms', template: 'repayment-reminder-before-due' }],
    });
    const refused = await t.http.post(`/campaigns/${id}/launch`).set(as(author.key)).expect(409);
    expect(refused.body.error.details).toEqual([{ field: 'approval', reason: 'its audience of 3 is above 2' }]);
    await expect(
      t.db.query(`UPDATE campaigns SET approved_by = created_by, approved_at = now() WHERE id = $1`, [id]),
    ).rejects.toThrow(/campaigns_four_eyes_check/);
  });

  it('reviews a launch: reach now, later and blocked per channel, the pace, and the cost in SMS segments', async () => {
    const id = await draft({
      name: 'costed',
      purpose: 'service',
      plan: [
        { channel: 'sms', template: 'repayment-reminder-before-due' },
        { channel: 'email', template: 'repayment-reminder-before-due', afterHours: 24, when: 'always' },
      ],
    });
    await t.db.query(`UPDATE customers SET email = NULL WHERE external_ref = $1`, [refs[2]]);
    const { body } = await t.http.get(`/campaigns/${id}/launch-review`).set(as(author.key)).expect(200);
    const preview = await t.http.get(`/campaigns/${id}/preview`).set(as(author.key)).expect(200);
    const segments = Math.max(...preview.body[0].variants.map((v: { sms: { segments: number } }) => v.sms.segments));
    expect(segments).toBeGreaterThan(1); // the Chinese reminder is UCS-2, longer than one 70-character segment
    expect(body.audience).toBe(3);
    expect(body.reach.sms).toEqual({ now: 3, later: 0, blocked: 0, blockedBy: [] });
    expect(body.reach.email).toEqual({ now: 2, later: 0, blocked: 1, blockedBy: [{ bucket: 'noAddress', count: 1 }] });
    expect(body.cost).toEqual({
      currency: 'CNY',
      lines: [
        { step: 1, channel: 'sms', contacts: 3, units: segments, unitPrice: 7, cost: 3 * segments * 7 },
        { step: 2, channel: 'email', contacts: 2, units: 1, unitPrice: 1, cost: 2 },
      ],
      total: 3 * segments * 7 + 2,
    });
    expect(body.approval.reasons).toEqual(['AUDIENCE_ABOVE_THRESHOLD']);
  });
});
