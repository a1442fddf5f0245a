import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, TestApp } from '../support/test-app';

describe('templates over HTTP', () => {
  let t: TestApp;
  let manager: string;
  let agent: string;
  let customerId: string;

  beforeAll(async () => {
    t = await startTestApp();
    [manager, agent] = await Promise.all([t.keyFor('campaign_manager'), t.keyFor('agent')]);
    [{ id: customerId }] = await t.db.query(
      `INSERT INTO customers (external_ref, full_name, phone, email, locale, timezone, country, currency, card_last4, due_date, minimum_due, statement_balance)
       VALUES ('T-1', 'Emily Carter', '+12125550142', 'emily.carter@example.com', 'en', 'America/New_York', 'US', 'USD', '4821', '2025-12-05', 23455, 234550)
       RETURNING id`,
    );
  });
  afterAll(() => t.close());

  const preview = (key: string, body: object, key_ = manager) =>
    t.http.post(`/templates/${key}/preview`).auth(key_, { type: 'bearer' }).send(body);

  it('lists templates with the current version of each variant, for agents too', async () => {
    const { body } = await t.http.get('/templates?limit=100').auth(agent, { type: 'bearer' }).expect(200);
    expect(body.total).toBeGreaterThanOrEqual(13);
    const fraud = body.items.find((item: { key: string }) => item.key === 'fraud-verification');
    expect(fraud).toMatchObject({ purpose: 'fraud', marketing: false });
    expect(fraud.variants).toHaveLength(6);
    expect(fraud.variants[0]).toEqual({ locale: 'en', channel: 'agent', version: expect.stringMatching(/^[0-9a-f]{12}$/) });
    await t.http
      .get('/templates')
      .auth(await t.keyFor('integration'), { type: 'bearer' })
      .expect(403);
  });

  it('shows a template’s variants with header, source and versions', async () => {
    const { body } = await t.http.get('/templates/fraud-verification').auth(agent, { type: 'bearer' }).expect(200);
    const voice = body.variants.find((v: { locale: string; channel: string }) => v.locale === 'zh-CN' && v.channel === 'voice');
    expect(voice).toMatchObject({
      gatherDigits: 1,
      fields: expect.arrayContaining(['txn.amount']),
      source: expect.stringContaining('=== say ==='),
    });
    expect(voice.versions).toEqual([{ version: voice.version, firstSeen: expect.any(String), current: true }]);
    expect((await t.http.get('/templates/nope').auth(agent, { type: 'bearer' }).expect(404)).body.error.code).toBe(
      'TEMPLATE_NOT_FOUND',
    );
    const bad = await t.http.get('/templates/Not_A_Key').auth(agent, { type: 'bearer' }).expect(400);
    expect(bad.body.error.details).toEqual([{ field: 'key', reason: 'must be kebab-case, like fraud-verification' }]);
  });

  it('previews an SMS for sample data exactly as it would be sent, saying what was sampled', async () => {
    const { body } = await preview('fraud-verification', {
      locale: 'en',
      channel: 'sms',
      variables: { txn: { merchant: 'BOOKSHOP' } },
    }).expect(200);
    expect(body.sms).toEqual({
      body: 'Herald Card Centre: card ending 4821 used for $429.99 at BOOKSHOP on Nov 21, 2:32 PM. Reply Y 4821 if this was you, N 4821 if not.',
      encoding: 'GSM-7',
      segments: 1,
      characters: 130,
    });
    expect(body).toMatchObject({ key: 'fraud-verification', version: expect.any(String), masked: false, placeholders: [] });
    expect(body.sampled).toEqual(expect.arrayContaining(['txn.amount', 'txn.at', 'txn.reference']));
    expect(body.sampled).not.toContain('txn.merchant');
  });

  it('previews for a real customer with name, phone and e-mail masked', async () => {
    const { body } = await preview('collections-early', { locale: 'en', channel: 'agent', customerId }).expect(200);
    expect(body.masked).toBe(true);
    expect(body.agent.greeting).toBe('Hello, this is Herald Card Centre. May I speak with E***********, please?');
    expect(JSON.stringify(body)).not.toContain('Emily');
    const sms = await preview('repayment-reminder-before-due', { locale: 'zh-CN', channel: 'sms', customerId }).expect(200);
    expect(sms.body.sms).toMatchObject({ encoding: 'UCS-2', body: expect.stringContaining('$2,345.50') });
  });

  it('previews marketing e-mail with its unsubscribe headers and IVR calls as TwiML', async () => {
    const mail = await preview('card-activation', { locale: 'en', channel: 'email', sample: { fullName: 'Ann <Lee>' } }).expect(
      200,
    );
    expect(mail.body.email.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(mail.body.email.headers['List-Unsubscribe']).toBe('<http://herald.test/preview/unsubscribe?token=preview>');
    expect(mail.body.email.html).toContain('Dear Ann &lt;Lee&gt;,');
    expect(mail.body.placeholders).toEqual(['unsubscribeUrl']);
    const call = await preview('fraud-verification', {
      locale: 'zh-CN',
      channel: 'voice',
      gatherActionUrl: 'http://herald.test/ivr?x=1',
    }).expect(200);
    expect(call.body.voice.twiml).toContain(
      '<Gather input="dtmf" numDigits="1" timeout="8" action="http://herald.test/ivr?x=1" method="POST"><Say language="zh-CN">',
    );
  });

  it('says what is wrong with a preview request', async () => {
    const both = await preview('help', { locale: 'en', channel: 'sms', customerId, sample: {} }).expect(400);
    expect(both.body.error.details).toEqual([{ field: 'sample', reason: 'give either customerId or sample, not both' }]);
    const field = await preview('help', { locale: 'en', channel: 'sms', sample: { shoeSize: 42, dueDate: 'soon' } }).expect(400);
    expect(field.body.error.details).toEqual([
      { field: 'sample.shoeSize', reason: 'is not a customer profile field templates can use' },
      { field: 'sample.dueDate', reason: 'must be a date YYYY-MM-DD' },
    ]);
    await preview('help', { locale: 'en', channel: 'sms', customerId: '00000000-0000-4000-8000-000000000000' }).expect(404);
    const variable = await preview('fraud-verification', {
      locale: 'en',
      channel: 'sms',
      variables: { txn: { amount: 'lots' } },
    }).expect(422);
    expect(variable.body.error.code).toBe('TEMPLATE_VARIABLE_INVALID');
    const currency = await preview('fraud-verification', {
      locale: 'en',
      channel: 'sms',
      variables: { txn: { currency: 'X' } },
    }).expect(422);
    expect(currency.body.error.details).toEqual([
      { field: 'variables.txn.currency', reason: 'must be an ISO 4217 currency code' },
    ]);
    await preview('help', { locale: 'en', channel: 'voice' }).expect(404);
    await preview('help', { locale: 'en', channel: 'sms' }, agent).expect(403);
  });

  it('documents the endpoints in OpenAPI', async () => {
    const { body } = await t.http.get('/docs-json').expect(200);
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(['/templates', '/templates/{key}', '/templates/{key}/preview']),
    );
    expect(body.components.schemas.PreviewTemplateDto.required).toEqual(['locale', 'channel']);
  });
});

describe('starting with a broken template', () => {
  it('stops start-up, naming the file and line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-templates-'));
    try {
      for (const locale of ['en', 'zh-CN']) {
        mkdirSync(join(dir, 'broken'), { recursive: true });
        writeFileSync(
          join(dir, 'broken', `${locale}.sms.hbs`),
          `---\npurpose: system\nchannel: sms\nlocale: ${locale}\nmarketing: no\ndescription: broken\nfields: centre.name\n---\n{{centre.name}}\n{{centre.hotline}}\n`,
        );
      }
      await expect(startTestApp({ TEMPLATES_DIR: dir })).rejects.toThrow(
        `${join(dir, 'broken', 'en.sms.hbs')}:10: "centre.hotline" is used but not declared in the header (fields or optional)`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
