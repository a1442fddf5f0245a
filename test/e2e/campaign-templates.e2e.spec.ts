import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CAMPAIGN_PURPOSES } from '../../src/campaigns/campaign.entity';
import { ManualClock } from '../../src/common/clock';
import { Customer } from '../../src/customers/customer.entity';
import { eventually } from '../support/eventually';
import { FakeTwilio } from '../support/fake-twilio.server';
import { store } from '../support/outbox.builders';
import { ReceivedMail, SmtpSink } from '../support/smtp-sink';
import { startTestApp, TestApp } from '../support/test-app';

// Monday 23 November 2026, 10:00 in Shanghai: inside every purpose's contact hours.
const NOW = new Date('2026-11-23T02:00:00Z');

/**
 * Templates a campaign may not send, and why. Campaigns are for collections, service and marketing
 * (CAMPAIGN_PURPOSES); these templates speak for other purposes, and their flows send them:
 * - fraud: a fraud case sends them when a transaction looks wrong, with that transaction's values
 *   (`txn.*`); a fraud contact passes the do-not-contact list and is capped per case, which no
 *   campaign may claim;
 * - system: answers to what a customer texted (HELP, STOP, TD, a reply that named no transaction).
 */
const NOT_FOR_CAMPAIGNS: Record<string, 'fraud' | 'system'> = {
  'fraud-confirmed-genuine': 'fraud',
  'fraud-confirmed-not-genuine': 'fraud',
  'fraud-next-steps': 'fraud',
  'fraud-verification': 'fraud',
  help: 'system',
  'marketing-opt-out-confirmation': 'system',
  'opt-out-confirmation': 'system',
  'which-transaction': 'system',
};

/** One value for each message field a campaign may give; each campaign gives exactly those its templates declare. */
const VALUES: Record<string, unknown> = {
  'link.url': 'https://card.example.cn/go?c=nov',
  'product.name': 'Platinum Travel Card',
  'offer.instalments': 6,
  'offer.instalmentAmount': { amount: 21_000, currency: 'CNY' },
  'offer.respondBy': '2026-12-12',
  'offer.deferUntil': '2027-01-05',
};

/** A template channel as a campaign's plan names it; agent scripts are an agent's work, not a campaign channel. */
const PLAN_CHANNEL: Record<string, 'sms' | 'email' | 'call' | undefined> = { sms: 'sms', email: 'email', voice: 'call' };

interface TemplateDetail {
  key: string;
  purpose: string;
  marketing: boolean;
  variants: { locale: string; channel: string; fields: string[]; optional: string[] }[];
}

interface Sent {
  template: TemplateDetail;
  campaignId: string;
  channels: ('sms' | 'email' | 'call')[];
  customers: Customer[];
}

/**
 * Every template in scripts-templates/ that a campaign may use, sent once by a campaign to an
 * English and a Chinese customer on each of its channels, through the real path: the campaign API,
 * the dispatcher's own loop, the twilio SDK against a local Twilio, nodemailer to a local SMTP
 * server. The values come only from the campaign.
 */
describe('every campaign template, sent by a campaign through Twilio and SMTP', () => {
  const clock = new ManualClock(NOW);
  let twilio: FakeTwilio;
  let smtp: SmtpSink;
  let t: TestApp;
  let manager: string;
  /** The second pair of eyes every marketing campaign needs before launch. */
  let approver: string;
  let integration: string;
  const sent: Sent[] = [];

  beforeAll(async () => {
    twilio = await FakeTwilio.start();
    smtp = await SmtpSink.start();
    t = await startTestApp(
      {
        ...twilio.env({ TWILIO_FROM_NUMBER: '+15005550006' }),
        SMTP_URL: smtp.url,
        MAIL_FROM: 'Card Centre <cards@bank.example>',
        DISPATCH_ENABLED: 'true',
        DISPATCH_POLL_MS: '50',
        REPAYMENT_JOB_ENABLED: 'false',
        SMS_PER_SECOND: '0',
        CALLS_PER_SECOND: '0',
        EMAIL_PER_SECOND: '0',
      },
      { clock, listen: true },
    );
    [manager, approver, integration] = await Promise.all([
      t.keyFor('campaign_manager'),
      t.keyFor('campaign_manager'),
      t.keyFor('integration'),
    ]);
  });
  afterAll(async () => {
    await t.close();
    await twilio.close();
    await smtp.close();
  });

  const as = (key: string) => ({ Authorization: `Bearer ${key}` });

  async function templates(): Promise<TemplateDetail[]> {
    const list = await t.http.get('/templates?limit=100').set(as(manager)).expect(200);
    return Promise.all(
      list.body.items.map(
        async ({ key }: { key: string }) => (await t.http.get(`/templates/${key}`).set(as(manager)).expect(200)).body,
      ),
    );
  }

  it('knows every template on disk, and why each one a campaign may not send is a flow’s', async () => {
    const onDisk = readdirSync(join(__dirname, '../../scripts-templates'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    const all = await templates();
    expect(all.map((template) => template.key)).toEqual(onDisk);
    const excluded = all.filter((template) => !(CAMPAIGN_PURPOSES as readonly string[]).includes(template.purpose));
    expect(Object.fromEntries(excluded.map((template) => [template.key, template.purpose]))).toEqual(NOT_FOR_CAMPAIGNS);

    // And the API says so: a fraud campaign is refused, a system template is another purpose's.
    const base = {
      name: 'not a campaign',
      audience: { customerRefs: ['X-1'] },
      startsAt: '2026-11-23T00:00:00Z',
      endsAt: '2026-11-30T00:00:00Z',
    };
    const fraud = await t.http
      .post('/campaigns')
      .set(as(manager))
      .send({ ...base, purpose: 'fraud', plan: [{ channel: 'sms', template: 'fraud-confirmed-not-genuine' }] })
      .expect(400);
    expect(fraud.body.error.details).toEqual([{ field: 'purpose', reason: expect.stringContaining('fraud flow') }]);
    const help = await t.http
      .post('/campaigns')
      .set(as(manager))
      .send({ ...base, purpose: 'service', plan: [{ channel: 'sms', template: 'help' }] })
      .expect(422);
    expect(help.body.error).toMatchObject({
      code: 'CAMPAIGN_TEMPLATE_PURPOSE',
      details: [{ field: 'plan.0.template', reason: 'is a system template', code: 'CAMPAIGN_TEMPLATE_PURPOSE' }],
    });
  });

  it('launches one campaign per template, each step one of its channels, given the values its templates declare', async () => {
    const campaignTemplates = (await templates()).filter((template) => !(template.key in NOT_FOR_CAMPAIGNS));
    for (const template of campaignTemplates) {
      const channels = [...new Set(template.variants.map((variant) => PLAN_CHANNEL[variant.channel]))]
        .filter((channel) => channel !== undefined)
        .sort();
      const declared = new Set(template.variants.flatMap((variant) => [...variant.fields, ...variant.optional]));
      const variables: Record<string, Record<string, unknown>> = {};
      for (const [path, value] of Object.entries(VALUES)) {
        const [group, name] = path.split('.');
        if (declared.has(path)) (variables[group] ??= {})[name] = value;
      }
      const customers = [
        await store.customer(t.db, { locale: 'en', fullName: `Emily ${template.key}` }),
        await store.customer(t.db, { locale: 'zh-CN', fullName: `张伟${template.key}` }),
      ];
      if (template.purpose === 'marketing') {
        for (const customer of customers) {
          for (const channel of channels) {
            await t.http
              .post(`/customers/${customer.id}/consent`)
              .set(as(integration))
              .send({ channel, scope: 'marketing', state: 'granted' })
              .expect(201);
          }
        }
      }
      const created = await t.http
        .post('/campaigns')
        .set(as(manager))
        .send({
          name: `every template: ${template.key}`,
          purpose: template.purpose,
          audience: { customerRefs: customers.map((c) => c.externalRef) },
          plan: channels.map((channel, i) =>
            i === 0 ? { channel, template: template.key } : { channel, template: template.key, afterHours: 0, when: 'always' },
          ),
          ...(Object.keys(variables).length ? { variables } : {}),
          startsAt: '2026-11-23T01:00:00Z',
          endsAt: '2026-11-30T00:00:00Z',
        });
      expect([template.key, created.status, created.body.error]).toEqual([template.key, 201, undefined]);
      if (template.purpose === 'marketing')
        await t.http.post(`/campaigns/${created.body.id}/approve`).set(as(approver)).expect(200);
      const launched = await t.http.post(`/campaigns/${created.body.id}/launch`).set(as(manager)).expect(200);
      expect(launched.body.status).toBe('running');
      sent.push({ template, campaignId: created.body.id, channels, customers });
    }
    expect(sent.map((s) => `${s.template.key}: ${s.channels.join(', ')}`)).toEqual([
      'card-activation: email, sms',
      'collections-early: sms',
      'collections-later-offer: email, sms',
      'new-card-offer: email, sms',
      'repayment-reminder-before-due: email, sms',
      'repayment-reminder-due-today: call, email, sms',
    ]);

    // The dispatcher's own loop works through each plan, step after step; the funnels say when.
    for (const { template, campaignId, channels } of sent) {
      await eventually(async () => {
        const funnel = await t.http.get(`/campaigns/${campaignId}/funnel`).set(as(manager)).expect(200);
        const progress = { template: template.key, reasons: funnel.body.reasons, steps: funnel.body.steps };
        expect(progress).toMatchObject({
          reasons: {},
          steps: channels.map((channel, step) => ({ step, channel, targeted: 2, sent: 2, failed: 0 })),
        });
      }, 20_000);
    }
  });

  const emailsTo = (customer: Customer) => smtp.received.filter((mail) => mail.envelope.to.includes(customer.email!));
  const headersOf = (mail: ReceivedMail) =>
    mail.raw
      .split(/\r?\n\r?\n/)[0]
      .replace(/\r?\n[ \t]+/g, ' ')
      .split(/\r?\n/);

  it('delivers each e-mail by SMTP with the campaign’s values, marketing ones with an RFC 8058 one-click unsubscribe', async () => {
    const emailing = sent.filter((s) => s.channels.includes('email'));
    await smtp.waitFor(emailing.length * 2);
    expect(smtp.received).toHaveLength(emailing.length * 2);
    for (const { template, customers } of emailing) {
      for (const customer of customers) {
        const [mail] = emailsTo(customer);
        expect([template.key, customer.locale, mail?.parsed.subject]).toEqual([
          template.key,
          customer.locale,
          expect.any(String),
        ]);
        const headers = headersOf(mail);
        const unsubscribe = headers.find((line) => /^List-Unsubscribe:/i.test(line));
        const post = headers.find((line) => /^List-Unsubscribe-Post:/i.test(line));
        if (template.marketing) {
          // RFC 8058 §3.1: a URI to POST to, and exactly this List-Unsubscribe-Post value.
          expect(unsubscribe).toMatch(
            new RegExp(`^List-Unsubscribe: <${t.config.publicBaseUrl}/unsubscribe/[0-9a-f-]{36}>$`, 'i'),
          );
          expect(post).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/i);
          expect(mail.parsed.text).toContain(String(VALUES['link.url']));
          expect(mail.parsed.html).toContain('href="https://card.example.cn/go?c&#x3D;nov"');
        } else {
          expect([template.key, unsubscribe, post]).toEqual([template.key, undefined, undefined]);
        }
      }
    }
    const offer = emailsTo(sent.find((s) => s.template.key === 'new-card-offer')!.customers[0])[0];
    expect(offer.parsed.subject).toContain('Platinum Travel Card');
    const plan = emailsTo(sent.find((s) => s.template.key === 'collections-later-offer')!.customers[0])[0];
    expect(plan.parsed.text).toMatch(/6 monthly payments of CN¥210\.00/);
  });

  it('takes the one-click unsubscribe as RFC 8058 posts it: marketing e-mail revoked, nothing else', async () => {
    const { customers } = sent.find((s) => s.template.key === 'card-activation')!;
    const [mail] = emailsTo(customers[1]);
    const url = /^List-Unsubscribe: <([^>]+)>/i.exec(headersOf(mail).find((line) => /^List-Unsubscribe:/i.test(line))!)![1];
    await t.http.post(url.slice(t.config.publicBaseUrl.length)).type('form').send('List-Unsubscribe=One-Click').expect(200);
    const consent = await t.http.get(`/customers/${customers[1].id}/consent`).set(as(integration)).expect(200);
    expect(consent.body.current.email.marketing).toMatchObject({ state: 'revoked' });
    expect(consent.body.current.sms.marketing).toMatchObject({ state: 'granted' });
  });

  it('sends each SMS and places each call through the twilio SDK, with the campaign’s values', async () => {
    for (const { template, channels, customers } of sent) {
      for (const customer of customers) {
        const messages = twilio.messages.filter((m) => m.to === customer.phone);
        expect([template.key, customer.locale, messages.length]).toEqual([
          template.key,
          customer.locale,
          channels.includes('sms') ? 1 : 0,
        ]);
        const calls = twilio.requests.filter((r) => r.path.endsWith('/Calls.json') && r.params.To === customer.phone);
        expect([template.key, calls.length]).toEqual([template.key, channels.includes('call') ? 1 : 0]);
        if (calls.length) expect(String(calls[0].params.Twiml)).toMatch(/^<\?xml[\s\S]*<Say/);
      }
    }
    const smsOf = (key: string, locale: string) => {
      const customer = sent.find((s) => s.template.key === key)!.customers.find((c) => c.locale === locale)!;
      return twilio.messages.find((m) => m.to === customer.phone)!.body;
    };
    expect(smsOf('new-card-offer', 'en')).toContain('Platinum Travel Card');
    expect(smsOf('new-card-offer', 'en')).toMatch(/Reply STOP to opt out$/);
    expect(smsOf('collections-later-offer', 'zh-CN')).toContain('¥210.00');
  });

  it('refuses at creation, not at send time, a campaign without a value its templates need (422 naming it)', async () => {
    const res = await t.http
      .post('/campaigns')
      .set(as(manager))
      .send({
        name: 'activation without its link',
        purpose: 'marketing',
        audience: { customerRefs: ['NEVER-1'] },
        plan: [{ channel: 'email', template: 'card-activation' }],
        startsAt: '2026-11-23T01:00:00Z',
        endsAt: '2026-11-30T00:00:00Z',
      })
      .expect(422);
    expect(res.body.error).toEqual({
      code: 'CAMPAIGN_VARIABLE_MISSING',
      message: 'variables.link.url is required by card-activation (email)',
      details: [
        { code: 'CAMPAIGN_VARIABLE_MISSING', field: 'variables.link.url', reason: 'is required by card-activation (email)' },
      ],
    });
    expect(await t.db.query(`SELECT id FROM campaigns WHERE name = 'activation without its link'`)).toEqual([]);
  });

  it('checks again at launch, against the versions it pins and the currency its customers hold', async () => {
    // As if the draft predated its template's need for a link (or a file changed since): launch is refused, nothing is queued.
    const [old] = await t.db.query(
      `INSERT INTO campaigns (name, purpose, audience_refs, plan, starts_at, ends_at)
       VALUES ('older than its template', 'marketing', $1, '[{"channel": "email", "template": "card-activation"}]',
               '2026-11-23T01:00:00Z', '2026-11-30T00:00:00Z') RETURNING id`,
      [sent[0].customers.map((c) => c.externalRef)],
    );
    const refused = await t.http.post(`/campaigns/${old.id}/launch`).set(as(manager)).expect(422);
    expect(refused.body.error).toMatchObject({ code: 'CAMPAIGN_VARIABLE_MISSING', details: [{ field: 'variables.link.url' }] });
    const [{ status }] = await t.db.query('SELECT status FROM campaigns WHERE id = $1', [old.id]);
    expect(status).toBe('draft');

    const dollars = await store.customer(t.db, { locale: 'en', currency: 'USD', country: 'US', timezone: 'America/New_York' });
    const yuan = await store.customer(t.db);
    const offer = await t.http
      .post('/campaigns')
      .set(as(manager))
      .send({
        name: 'an instalment plan in yuan',
        purpose: 'collections',
        audience: { customerRefs: [dollars.externalRef, yuan.externalRef] },
        plan: [{ channel: 'sms', template: 'collections-later-offer' }],
        variables: { offer: { instalments: 6, instalmentAmount: { amount: 21_000, currency: 'CNY' }, respondBy: '2026-12-12' } },
        startsAt: '2026-11-23T01:00:00Z',
        endsAt: '2026-11-30T00:00:00Z',
      })
      .expect(201);
    const mixed = await t.http.post(`/campaigns/${offer.body.id}/launch`).set(as(manager)).expect(422);
    expect(mixed.body.error).toEqual({
      code: 'CAMPAIGN_AUDIENCE_CURRENCY',
      message: '1 of the 2 customers hold their card in USD, not CNY',
      details: [{ field: 'variables.offer.instalmentAmount.currency', reason: '1 of 2 customers hold their card in USD' }],
    });
    // And a fraud campaign cannot even be stored.
    await expect(
      t.db.query(
        `INSERT INTO campaigns (name, purpose, audience_refs, plan, starts_at, ends_at)
         VALUES ('fraud', 'fraud', '{X}', '[{"channel": "sms", "template": "fraud-verification"}]', now(), now() + interval '1 day')`,
      ),
    ).rejects.toThrow(/campaigns_purpose_check/);
  });

  it('checks an edited draft as it checks a new one, and edits only drafts', async () => {
    const draft = await t.http
      .post('/campaigns')
      .set(as(manager))
      .send({
        name: 'an offer, edited',
        purpose: 'marketing',
        audience: { customerRefs: ['EDITED-1'] },
        plan: [{ channel: 'email', template: 'new-card-offer' }],
        variables: { product: { name: 'Gold Card' }, link: { url: 'https://card.example.cn/gold' } },
        startsAt: '2026-11-23T01:00:00Z',
        endsAt: '2026-11-30T00:00:00Z',
      })
      .expect(201);
    const edit = (changes: object) => t.http.patch(`/campaigns/${draft.body.id}`).set(as(manager)).send(changes);
    const fieldsOf = (res: { body: { error: { code: string; details: { code?: string; field: string }[] } } }) =>
      res.body.error.details.map((d) => `${d.code ?? res.body.error.code} ${d.field}`);

    // `variables` is replaced as a whole, then checked against the plan as at creation.
    expect(fieldsOf(await edit({ variables: { link: { url: 'https://card.example.cn/gold' } } }).expect(422))).toEqual([
      'CAMPAIGN_VARIABLE_MISSING variables.product.name',
    ]);
    expect(fieldsOf(await edit({ plan: [{ channel: 'email', template: 'card-activation' }] }).expect(422))).toEqual([
      'CAMPAIGN_VARIABLE_UNUSED variables.product.name',
    ]);
    expect(fieldsOf(await edit({ variables: { link: { url: 'ftp://card.example.cn' } } }).expect(400))).toEqual([
      'VALIDATION_FAILED variables.link.url',
    ]);
    expect(fieldsOf(await edit({ purpose: 'fraud' }).expect(400))).toEqual(['VALIDATION_FAILED purpose']);

    const edited = await edit({
      plan: [{ channel: 'email', template: 'card-activation' }],
      variables: { link: { url: 'https://card.example.cn/activate?c=2' } },
    }).expect(200);
    expect(edited.body).toMatchObject({
      name: 'an offer, edited',
      status: 'draft',
      variables: { link: { url: 'https://card.example.cn/activate?c=2' } },
    });
    const preview = await t.http.get(`/campaigns/${draft.body.id}/preview`).set(as(manager)).expect(200);
    expect(preview.body).toHaveLength(1);
    expect(preview.body[0].variants.map((v: { locale: string; sampled: string[] }) => [v.locale, v.sampled])).toEqual([
      ['zh-CN', []],
      ['en', []],
    ]);
    expect(preview.body[0].variants[1].email.text).toContain('Activate my card: https://card.example.cn/activate?c=2');

    await t.http.post(`/campaigns/${draft.body.id}/cancel`).set(as(manager)).expect(200);
    const late = await edit({ name: 'too late' }).expect(409);
    expect(late.body.error).toMatchObject({ code: 'CAMPAIGN_NOT_DRAFT', details: [{ field: 'status', reason: 'is cancelled' }] });
    await t.http.patch('/campaigns/00000000-0000-4000-8000-000000000404').set(as(manager)).send({ name: 'x' }).expect(404);
  });

  it('documents the values in OpenAPI with examples that create, preview and launch as they stand', async () => {
    const { body: openapi } = await t.http.get('/docs-json').expect(200);
    const post = openapi.paths['/campaigns'].post;
    expect(post.responses['422'].description).toContain('CAMPAIGN_VARIABLE_MISSING');
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/campaigns/{id}', '/campaigns/{id}/preview']));
    expect(openapi.components.schemas.CampaignVariablesDto.properties).toEqual({
      link: expect.anything(),
      product: expect.anything(),
      offer: expect.anything(),
    });
    const examples: Record<string, { value: { purpose: string; audience: { customerRefs: string[] } } }> =
      post.requestBody.content['application/json'].examples;
    expect(Object.keys(examples)).toEqual(['cardActivation', 'newCardOffer', 'instalmentOffer']);
    const refs = examples.cardActivation.value.audience.customerRefs;
    await store.customer(t.db, { externalRef: refs[0], locale: 'zh-CN' });
    await store.customer(t.db, { externalRef: refs[1], locale: 'en' });
    for (const [name, { value }] of Object.entries(examples)) {
      const created = await t.http.post('/campaigns').set(as(manager)).send(value);
      expect([name, created.status, created.body.error]).toEqual([name, 201, undefined]);
      const preview = await t.http.get(`/campaigns/${created.body.id}/preview`).set(as(manager)).expect(200);
      const variants = preview.body.flatMap((step: { variants: { sampled?: string[]; problem?: string }[] }) => step.variants);
      expect([name, variants.flatMap((v: { sampled?: string[] }) => v.sampled ?? [])]).toEqual([name, []]);
      expect([name, variants.filter((v: { problem?: string }) => v.problem)]).toEqual([name, []]);
      if (value.purpose === 'marketing') await t.http.post(`/campaigns/${created.body.id}/approve`).set(as(approver)).expect(200);
      const launched = await t.http.post(`/campaigns/${created.body.id}/launch`).set(as(manager));
      expect([name, launched.status, launched.body.status]).toEqual([name, 200, 'running']);
    }
  });
});
