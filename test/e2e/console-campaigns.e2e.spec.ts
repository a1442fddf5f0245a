import { ManualClock } from '../../src/common/clock';
import { store } from '../support/outbox.builders';
import { signedIn } from '../support/console-session';
import { startTestApp, TestApp } from '../support/test-app';

// Monday 23 November 2026, 10:00 in Shanghai.
const NOW = new Date('2026-11-23T02:00:00Z');
const OVERDUE = JSON.stringify({ all: [{ field: 'daysPastDue', op: 'gte', value: 30 }] });

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** The campaign manager's pages through HTTP: access, CSRF, validation, and what they show. */
describe('console campaign manager pages', () => {
  const clock = new ManualClock(NOW);
  let t: TestApp;
  let manager: { cookie: string; csrf: string };
  let agent: { cookie: string; csrf: string };

  const session = (role: 'campaign_manager' | 'agent') => signedIn(t, role);

  const get = (path: string, as = manager) => t.http.get(path).set('Cookie', as.cookie);
  const post = (path: string, fields: Record<string, string>, as = manager) =>
    t.http
      .post(path)
      .set('Cookie', as.cookie)
      .type('form')
      .send(form({ _csrf: as.csrf, ...fields }));

  async function saveSegment(name: string, rule = OVERDUE): Promise<string> {
    const saved = await post('/console/segments', { name, rule, purpose: 'collections' });
    expect(saved.status).toBe(303);
    return /\/console\/segments\/([0-9a-f-]{36})\?saved=1$/.exec(saved.headers.location)![1];
  }

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    [manager, agent] = await Promise.all([session('campaign_manager'), session('agent')]);
    await store.customer(t.db, { fullName: 'Ada Lovelace', locale: 'en', daysPastDue: 45, riskLevel: 'high' });
    await store.customer(t.db, { fullName: '王小明', daysPastDue: 31 });
    await store.customer(t.db, { fullName: 'Paid Up', daysPastDue: 0 });
  });
  afterAll(() => t.close());

  it('is closed to an agent (403) and open to a campaign manager', async () => {
    for (const path of ['/console/segments', '/console/segments/new', '/console/campaigns', '/console/campaigns/new']) {
      expect((await get(path, agent)).status).toBe(403);
      expect((await get(path)).status).toBe(200);
    }
    const live = await t.http
      .post('/console/segments/preview')
      .set('Cookie', agent.cookie)
      .set('x-csrf-token', agent.csrf)
      .send({ rule: OVERDUE, purpose: 'collections' });
    expect(live.status).toBe(403);
  });

  it('refuses a segment posted without its CSRF token, and a live count without the header', async () => {
    const forged = await t.http
      .post('/console/segments')
      .set('Cookie', manager.cookie)
      .type('form')
      .send(form({ name: 'Forged', rule: OVERDUE, purpose: 'collections' }));
    expect(forged.status).toBe(403);
    expect(await t.db.query(`SELECT id FROM segments WHERE name = 'Forged'`)).toEqual([]);
    const live = await t.http
      .post('/console/segments/preview')
      .set('Cookie', manager.cookie)
      .send({ rule: OVERDUE, purpose: 'collections' });
    expect(live.status).toBe(403);
  });

  it('counts a rule live (CSRF in a header), with reachability and a masked sample', async () => {
    const live = await t.http
      .post('/console/segments/preview')
      .set('Cookie', manager.cookie)
      .set('x-csrf-token', manager.csrf)
      .send({ rule: OVERDUE, purpose: 'collections' });
    expect(live.status).toBe(200);
    expect(live.text).not.toContain('<html');
    expect(live.text).toMatch(/data-count-value>2</);
    expect(live.text).toMatch(/data-bucket="reachableNow"><th scope="row">Reachable now<\/th><td>2<\/td>/);
    expect(live.text).toContain('A***********');
    expect(live.text).not.toContain('Ada Lovelace');
    expect(live.text).toContain('王**');
  });

  it('answers a rule that does not compile with the path at fault, in place of the count', async () => {
    const bad = JSON.stringify({ all: [{ field: 'daysPastDue', op: 'gte', value: 'many' }] });
    const live = await t.http
      .post('/console/segments/preview')
      .set('Cookie', manager.cookie)
      .set('x-csrf-token', manager.csrf)
      .send({ rule: bad, purpose: 'collections' });
    expect(live.status).toBe(200);
    expect(live.text).toContain('data-field="rule.all.0.value"');
    const notJson = await post('/console/segments/count', { rule: '{"all": [', purpose: 'collections' });
    expect(notJson.status).toBe(400);
    expect(notJson.text).toContain('data-field="rule"');
  });

  it('counts without script ("Preview"), saves, and names the field when a save is wrong', async () => {
    const counted = await post('/console/segments/count', { name: 'Overdue', rule: OVERDUE, purpose: 'service' });
    expect(counted.status).toBe(200);
    expect(counted.text).toMatch(/data-count-value>2</);
    expect(counted.text).toContain('value="Overdue"');

    const id = await saveSegment('Overdue 30+');
    const page = await get(`/console/segments/${id}?saved=1`);
    expect(page.text).toContain('Segment saved.');
    expect(page.text).toContain('&quot;daysPastDue&quot;');
    expect(page.text).toMatch(/data-count-value>2</);

    const unnamed = await post('/console/segments', { rule: OVERDUE, purpose: 'collections' });
    expect(unnamed.status).toBe(400);
    expect(unnamed.text).toContain('data-field="name"');
    const taken = await post('/console/segments', { name: 'overdue 30+', rule: OVERDUE, purpose: 'collections' });
    expect(taken.status).toBe(409);
    expect(taken.text).toContain('data-field="name"');
  });

  it('names the fields of a wrong campaign form', async () => {
    const wrong = await post('/console/campaigns', {
      name: 'Broken',
      purpose: 'collections',
      segmentId: '',
      'steps[0][channel]': 'fax',
      'steps[0][template]': 'collections-early',
      startsAt: 'tomorrow',
      endsAt: '2026-11-30T10:00',
      zone: 'Asia/Shanghai',
    });
    expect(wrong.status).toBe(400);
    for (const field of ['segmentId', 'steps.0.channel', 'startsAt']) expect(wrong.text).toContain(`data-field="${field}"`);
  });

  it('previews the messages, creates a draft with a forecast, launches, and walks the lifecycle', async () => {
    const segmentId = await saveSegment('Overdue for a campaign');
    const fields = {
      name: 'Overdue reminders',
      purpose: 'service',
      segmentId,
      'steps[0][channel]': 'sms',
      'steps[0][template]': 'repayment-reminder-before-due',
      'steps[1][channel]': 'email',
      'steps[1][template]': '',
      'steps[1][afterHours]': '',
      'steps[1][when]': 'always',
      startsAt: '2026-11-23T09:00',
      endsAt: '2026-11-30T18:00',
      zone: 'Asia/Shanghai',
      cron: '',
      sendRatePerSecond: '',
      priority: '',
    };
    const preview = await post('/console/campaigns/new/preview', fields);
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('data-preview="repayment-reminder-before-due/en"');
    expect(preview.text).toContain('data-preview="repayment-reminder-before-due/zh-CN"');
    expect(preview.text).toMatch(/SMS segment\(s\)/);
    expect(await t.db.query(`SELECT id FROM campaigns WHERE name = 'Overdue reminders'`)).toEqual([]);

    const created = await post('/console/campaigns', fields);
    expect(created.status).toBe(303);
    const url = created.headers.location as string;
    const [stored] = await t.db.query(
      `SELECT plan, starts_at AS "startsAt", status FROM campaigns WHERE name = 'Overdue reminders'`,
    );
    expect(stored).toEqual({
      plan: [{ channel: 'sms', template: 'repayment-reminder-before-due' }],
      startsAt: new Date('2026-11-23T01:00:00Z'),
      status: 'draft',
    });

    const draft = await get(url);
    expect(draft.text).toContain('Forecast');
    expect(draft.text).toMatch(/<span class="count">2<\/span>/);
    // Each lifecycle button leads to a page saying what it will do; only that page's form changes anything.
    expect(draft.text).toContain(`href="${url}/confirm/launch" data-action="launch">Launch</a>`);
    expect(draft.text).not.toContain('data-action="resume"');
    expect(draft.text).toContain('No second approval needed');
    const review = await get(`${url}/confirm/launch`);
    expect(review.status).toBe(200);
    expect(review.text).toContain('Launch “Overdue reminders”?');
    expect(review.text).toMatch(/<span class="count" data-audience>2<\/span>/);
    expect(review.text).toMatch(/<tr data-channel="sms"><th scope="row">SMS<\/th><td>2<\/td><td>0<\/td>/);
    // 2 customers × 2 segments (the Chinese reminder is UCS-2) × 5 fen, the default UNIT_PRICE_SMS_SEGMENT.
    expect(review.text).toContain('<tr><td>1</td><td>SMS</td><td>2</td><td>2</td><td>CN¥0.05</td><td>CN¥0.20</td></tr>');
    expect(review.text).toContain(`action="${url}/launch"`);
    expect(await t.db.query(`SELECT status FROM campaigns WHERE name = 'Overdue reminders'`)).toEqual([{ status: 'draft' }]);

    expect((await t.http.post(`${url}/launch`).set('Cookie', manager.cookie).type('form').send({})).status).toBe(403);
    expect((await post(`${url}/launch`, {})).status).toBe(303);
    const running = await get(url);
    expect(running.text).toContain('data-status="running"');
    expect(running.text).toContain(`data-poll="${url}/funnel"`);
    expect(running.text).toMatch(/<g data-stage="targeted">[\s\S]*?data-value>2</);
    // Each stage read as a share of the targeted, and the progress so far.
    expect(running.text).toMatch(/<g data-stage="targeted">[\s\S]*?data-percent> · 100.0 %</);
    expect(running.text).toMatch(/<progress max="2" value="\d"/);
    expect(running.text).toMatch(/<g data-stage="sent">[\s\S]*?data-value>0</);

    const funnel = await get(`${url}/funnel`);
    expect(funnel.text.trim()).toMatch(/^<section class="card funnel" id="funnel"/);

    expect((await get(`${url}/confirm/cancel`)).text).toContain('Every message not yet sent is withdrawn.');
    expect((await post(`${url}/pause`, {})).status).toBe(303);
    const paused = await get(url);
    expect(paused.text).toContain('data-action="resume">Resume</a>');
    // A confirmation page for what the status no longer allows says so, and offers no button.
    const stale = await get(`${url}/confirm/pause`);
    expect(stale.text).toContain('Not possible while the campaign is Paused.');
    expect(stale.text).not.toContain('data-confirm=');
    expect(paused.text).not.toContain('data-poll=');
    expect((await post(`${url}/resume`, {})).status).toBe(303);
    expect((await post(`${url}/cancel`, {})).status).toBe(303);
    const [{ status }] = await t.db.query(`SELECT status FROM campaigns WHERE name = 'Overdue reminders'`);
    expect(status).toBe('cancelled');

    const again = await post(`${url}/resume`, {});
    expect(again.status).toBe(409);
    expect(again.text).toContain('data-field="status"');
    expect((await post(`${url}/explode`, {})).status).toBe(400);
  });

  it('asks for the message values the chosen templates need, in both languages, and keeps them with the campaign', async () => {
    const segmentId = await saveSegment('Offer audience');
    const fields = {
      name: 'Platinum offer',
      purpose: 'marketing',
      segmentId,
      'steps[0][channel]': 'email',
      'steps[0][template]': 'new-card-offer',
      startsAt: '2026-11-23T09:00',
      endsAt: '2026-11-30T18:00',
      zone: 'Asia/Shanghai',
    };
    // Every value a campaign may give has its input, hidden (and not sent) until a chosen template uses it.
    const blank = await get('/console/campaigns/new');
    expect(blank.text).toMatch(/<div class="variable" data-variable="link.url" hidden>/);
    expect(blank.text).toMatch(/name="variables\[link\]\[url\]" value="" placeholder="https:\/\/" disabled>/);
    expect(blank.text).toContain('&quot;new-card-offer/email&quot;:[&quot;product.name&quot;,&quot;link.url&quot;]');

    const preview = await post('/console/campaigns/new/preview', fields);
    expect(preview.status).toBe(200);
    expect(preview.text).toMatch(/<div class="variable" data-variable="product.name">/);
    expect(preview.text).toMatch(/<div class="variable" data-variable="link.url">/);
    expect(preview.text).toMatch(/<div class="variable" data-variable="offer.respondBy" hidden>/);
    expect(preview.text).toContain('Card product offered');
    expect(preview.text).toContain(
      '<code>product.name</code><span data-variable-detail> · required · used by new-card-offer (email)</span>',
    );
    expect(preview.text).toContain('Sample values stand in for what is not given yet: product.name, link.url');

    const refused = await post('/console/campaigns', fields);
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('data-field="variables.product.name"');
    expect(refused.text).toContain('data-field="variables.link.url"');

    const given = {
      ...fields,
      'variables[product][name]': 'Platinum Card',
      'variables[link][url]': 'https://card.example.cn/apply',
      // Left from another template choice: no chosen template uses it, so it is not the campaign's.
      'variables[offer][instalments]': '6',
    };
    const previewed = await post('/console/campaigns/new/preview', given);
    expect(previewed.text).not.toContain('data-sampled');
    expect(previewed.text).toContain('you are invited to apply for the Platinum Card');
    expect(previewed.text).toContain('value="https://card.example.cn/apply"');
    const created = await post('/console/campaigns', given);
    expect(created.status).toBe(303);
    const [stored] = await t.db.query(`SELECT variables FROM campaigns WHERE name = 'Platinum offer'`);
    expect(stored.variables).toEqual({ product: { name: 'Platinum Card' }, link: { url: 'https://card.example.cn/apply' } });
    const page = await get(created.headers.location);
    expect(page.text).toMatch(/<dt>Link \(URL\)<\/dt><dd data-variable="link.url">https:\/\/card.example.cn\/apply<\/dd>/);

    // An amount is minor units and a currency, shown as money.
    const offer = await post('/console/campaigns', {
      ...fields,
      name: 'Instalment plan',
      purpose: 'collections',
      'steps[0][channel]': 'sms',
      'steps[0][template]': 'collections-later-offer',
      'variables[offer][instalments]': '6',
      'variables[offer][instalmentAmount][amount]': '21000',
      'variables[offer][instalmentAmount][currency]': 'cny',
      'variables[offer][respondBy]': '2026-12-12',
      'variables[offer][deferUntil]': '',
    });
    expect(offer.status).toBe(303);
    const [plan] = await t.db.query(`SELECT variables FROM campaigns WHERE name = 'Instalment plan'`);
    expect(plan.variables).toEqual({
      offer: { instalments: 6, instalmentAmount: { amount: 21000, currency: 'CNY' }, respondBy: '2026-12-12' },
    });
    const offerPage = await get(offer.headers.location);
    expect(offerPage.text).toContain('<dd data-variable="offer.instalmentAmount">CN¥210.00</dd>');
    // The deferral it does not offer is left out of the preview, not filled with a sample.
    expect(offerPage.text).not.toContain('defer payment');

    // The same page and form in Chinese.
    const zh = await signedIn(t, 'campaign_manager');
    expect((await post('/console/locale', { locale: 'zh-CN' }, zh)).status).toBe(303);
    const zhPage = await get(created.headers.location, zh);
    expect(zhPage.text).toContain('<dt>链接（URL）</dt>');
    expect(zhPage.text).toContain('<dt>推荐的卡产品</dt>');
    const zhForm = await post('/console/campaigns/new/preview', fields, zh);
    expect(zhForm.text).toContain('<legend>消息内容</legend>');
    expect(zhForm.text).toContain('用于 new-card-offer (email)');
  });

  it('needs a second manager for a marketing launch, keeps the reason of a rejection, and an edit withdraws the approval', async () => {
    const second = await session('campaign_manager');
    const segmentId = await saveSegment('Activation audience');
    const fields = {
      name: 'Activate your card',
      purpose: 'marketing',
      segmentId,
      'steps[0][channel]': 'sms',
      'steps[0][template]': 'card-activation',
      startsAt: '2026-11-23T09:00',
      endsAt: '2026-11-30T18:00',
      zone: 'Asia/Shanghai',
    };
    const created = await post('/console/campaigns', fields);
    expect(created.status).toBe(303);
    const url = created.headers.location as string;

    // The author is offered no approval, and the launch page blocks the launch.
    const own = await get(url);
    expect(own.text).toContain('Marketing campaigns need a second campaign manager’s approval.');
    expect(own.text).not.toContain('data-approve');
    const blocked = await get(`${url}/confirm/launch`);
    expect(blocked.text).toContain('data-blocked');
    expect(blocked.text).not.toContain('data-confirm=');
    // The same rules as the API's, whichever door: a forged post is refused by the service, on a page.
    const refused = await post(`${url}/launch`, {});
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('needs another campaign manager’s approval before it can be launched');
    const self = await post(`${url}/approve`, {});
    expect(self.status).toBe(403);
    expect(self.text).toContain('You created this campaign');

    const theirs = await get(url, second);
    expect(theirs.text).toContain('data-approve');
    expect((await post(`${url}/reject`, { reason: ' ' }, second)).status).toBe(400);
    expect((await post(`${url}/reject`, { reason: 'Start after the statement run' }, second)).status).toBe(303);
    expect((await get(url)).text).toMatch(
      /data-decision="rejected"><strong>Rejected<\/strong> · Test campaign_manager \d+ · [^<]+ — Start after the statement run/,
    );
    expect((await post(`${url}/approve`, {}, second)).status).toBe(303);
    expect((await get(url)).text).toContain('data-approval="approved"');

    // Editing a draft: the form comes filled in, offers only marketing SMS templates, and saving withdraws the approval.
    const edit = await get(`${url}/edit`);
    expect(edit.status).toBe(200);
    expect(edit.text).toContain('value="Activate your card"');
    expect(edit.text).toMatch(/<option value="card-activation" data-purpose="marketing" data-channels="sms email" selected>/);
    expect(edit.text).toMatch(
      /<option value="repayment-reminder-before-due" data-purpose="service" data-channels="[^"]*" hidden disabled>/,
    );
    expect((await post(`${url}/edit`, { ...fields, name: 'Activate your new card' })).status).toBe(303);
    const edited = await get(url);
    expect(edited.text).toContain('Activate your new card');
    expect(edited.text).toContain('data-approval="missing"');
    expect((await post(`${url}/launch`, {})).status).toBe(409);

    expect((await post(`${url}/approve`, {}, second)).status).toBe(303);
    expect((await post(`${url}/launch`, {})).status).toBe(303);
    const [{ status }] = await t.db.query(`SELECT status FROM campaigns WHERE name = 'Activate your new card'`);
    expect(['scheduled', 'running']).toContain(status);
  });

  it('lists campaigns by status with their times in a named zone', async () => {
    const list = await get('/console/campaigns?status=cancelled');
    expect(list.text).toContain('Overdue reminders');
    expect(list.text).toContain('2026-11-23 09:00 Asia/Shanghai');
    // Counts per campaign, and a search by a part of the name in any case.
    expect(list.text).toMatch(/<td data-targeted>2<\/td>/);
    const found = await get('/console/campaigns?q=OVERDUE');
    expect(found.text).toContain('Overdue reminders');
    expect(found.text).not.toContain('Activate your new card');
    expect((await get('/console/campaigns?q=%25')).text).not.toContain('Overdue reminders');
    expect((await get('/console/campaigns?status=draft')).text).not.toContain('Overdue reminders');
  });
});
