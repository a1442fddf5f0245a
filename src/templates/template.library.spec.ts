import fc from 'fast-check';
import { Locale } from '../customers/customer.entity';
import { CompiledVariant, compileTemplate } from './template.compiler';
import { LibraryOptions, TemplateLibrary } from './template.library';
import { RenderRequest, TemplateChannel, TemplateCustomer } from './template.model';
import { measureSms } from './sms-segment.calculator';
import { withMarketingSuffix } from './channel.rules';

const OPTIONS: LibraryOptions = {
  centre: {
    'zh-CN': { name: '测试信用卡中心', hotline: '400-000-0000' },
    en: { name: 'Test Card Centre', hotline: '400-000-0000' },
  },
  publicBaseUrl: 'https://herald.test/api',
  unsubscribeMailto: 'unsubscribe@herald.test',
};

function variant(
  key: string,
  locale: Locale,
  channel: TemplateChannel,
  header: Record<string, string>,
  body: string,
): CompiledVariant {
  const entries = { purpose: 'service', channel, locale, marketing: 'no', description: 'a test', fields: '', ...header };
  const source = `---\n${Object.entries(entries)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n')}\n---\n${body}\n`;
  const compiled = compileTemplate(source, { key, locale, channel }, `${key}/${locale}.${channel}.hbs`);
  if (!compiled.variant) throw new Error(JSON.stringify(compiled.problems));
  return compiled.variant;
}

const customer = (overrides: Partial<TemplateCustomer> = {}): TemplateCustomer => ({
  fullName: 'Emily Carter',
  timezone: 'America/New_York',
  currency: 'USD',
  cardLast4: '4821',
  dueDate: '2025-12-05',
  minimumDue: 23455,
  phone: '+12125550142',
  ...overrides,
});

const fraudSms = (locale: Locale) =>
  variant(
    'fraud',
    locale,
    'sms',
    { purpose: 'fraud', fields: 'centre.name, customer.cardLast4, txn.amount, txn.currency, txn.merchant, txn.reference' },
    '{{centre.name}}: card {{customer.cardLast4}} paid {{money txn.amount txn.currency}} at {{txn.merchant}}. Reply Y {{txn.reference}} if this was you, N {{txn.reference}} if not.',
  );
const txn = (merchant: string) => ({ txn: { amount: 42999, currency: 'USD', merchant, reference: '4821' } });

describe('TemplateLibrary.render', () => {
  const reminder = variant(
    'reminder',
    'en',
    'sms',
    { fields: 'customer.minimumDue, customer.currency, customer.dueDate', optional: 'customer.cardLast4' },
    '{{money customer.minimumDue customer.currency}} due {{date customer.dueDate}}{{#if customer.cardLast4}} on card {{customer.cardLast4}}{{/if}}.',
  );
  const library = new TemplateLibrary([reminder, fraudSms('en'), fraudSms('zh-CN')], OPTIONS);
  const render = (request: Partial<RenderRequest>) =>
    library.render({ key: 'reminder', locale: 'en', channel: 'sms', customer: customer(), ...request });

  it('renders with the version it came from and the SMS measures', () => {
    const message = render({});
    expect(message).toMatchObject({
      key: 'reminder',
      locale: 'en',
      channel: 'sms',
      version: reminder.version,
      purpose: 'service',
    });
    expect(message.sms).toEqual({
      body: '$234.55 due Dec 5, 2025 on card 4821.',
      encoding: 'GSM-7',
      segments: 1,
      characters: 37,
    });
  });

  it('renders without an optional field, and refuses a customer lacking a required one', () => {
    expect(render({ customer: customer({ cardLast4: null }) }).sms!.body).toBe('$234.55 due Dec 5, 2025.');
    expect(() => render({ customer: customer({ dueDate: null }) })).toThrow(
      expect.objectContaining({
        code: 'TEMPLATE_MISSING_VALUE',
        status: 422,
        details: [{ field: 'customer.dueDate', reason: 'has no value for this customer' }],
      }),
    );
  });

  it('refuses a missing or ill-typed message variable, naming it', () => {
    const fraud = (variables: Record<string, unknown>) => () =>
      library.render({ key: 'fraud', locale: 'en', channel: 'sms', customer: customer(), variables });
    expect(fraud({ txn: { amount: 100, currency: 'USD', merchant: 'X' } })).toThrow(
      expect.objectContaining({
        code: 'TEMPLATE_MISSING_VARIABLE',
        details: [{ field: 'variables.txn.reference', reason: 'is required by the template' }],
      }),
    );
    expect(fraud({ txn: { amount: 1.5, currency: 'USD', merchant: 'X', reference: '1' } })).toThrow(
      expect.objectContaining({ code: 'TEMPLATE_VARIABLE_INVALID', message: 'txn.amount must be a whole number of minor units' }),
    );
    expect(fraud({ txn: { amount: 100, currency: 'usd', merchant: 'X', reference: '1' } })).toThrow(
      expect.objectContaining({ code: 'TEMPLATE_VARIABLE_INVALID' }),
    );
  });

  it('renders a pinned version after the files have moved on', () => {
    const edited = variant(
      'reminder',
      'en',
      'sms',
      { fields: 'customer.minimumDue, customer.currency' },
      'Now due: {{money customer.minimumDue customer.currency}}',
    );
    const moved = new TemplateLibrary([edited], OPTIONS);
    moved.addVersion(reminder);
    const request = { key: 'reminder', locale: 'en', channel: 'sms', customer: customer() } as const;
    expect(moved.render(request).sms!.body).toBe('Now due: $234.55');
    expect(moved.render({ ...request, version: reminder.version })).toMatchObject({
      version: reminder.version,
      sms: { body: '$234.55 due Dec 5, 2025 on card 4821.' },
    });
    expect(() => moved.render({ ...request, version: '000000000000' })).toThrow(
      expect.objectContaining({ code: 'TEMPLATE_VERSION_NOT_FOUND' }),
    );
    expect(() => moved.render({ ...request, key: 'nope' })).toThrow(
      expect.objectContaining({ code: 'TEMPLATE_NOT_FOUND', status: 404 }),
    );
    expect(() => moved.render({ ...request, channel: 'email' })).toThrow(
      expect.objectContaining({ code: 'TEMPLATE_VARIANT_NOT_FOUND' }),
    );
  });

  it('refuses a fraud SMS over the rule pack’s 160 characters, and sends one at the limit', () => {
    const withMerchant = (merchant: string) => () =>
      library.render({ key: 'fraud', locale: 'en', channel: 'sms', customer: customer(), variables: txn(merchant) });
    const fixed = withMerchant('')().sms!.characters;
    expect(withMerchant('M'.repeat(160 - fixed))().sms!.characters).toBe(160);
    expect(withMerchant('M'.repeat(161 - fixed))).toThrow(
      expect.objectContaining({
        code: 'TEMPLATE_SMS_TOO_LONG',
        details: [{ field: 'sms.body', reason: 'is 161 characters, over 160' }],
      }),
    );
  });
});

describe('channel rules at render', () => {
  const marketingSms = (locale: Locale) =>
    variant(
      'offer',
      locale,
      'sms',
      { purpose: 'marketing', marketing: 'yes', fields: 'product.name' },
      'Apply for the {{product.name}} today.',
    );
  const library = new TemplateLibrary([marketingSms('en'), marketingSms('zh-CN')], OPTIONS);
  const offer = (locale: Locale, name = 'Platinum Card') =>
    library.render({ key: 'offer', locale, channel: 'sms', customer: customer(), variables: { product: { name } } }).sms!;

  it('appends the brand signature and the opt-out line to marketing SMS', () => {
    expect(offer('en').body).toBe('Apply for the Platinum Card today.\nTest Card Centre\nReply STOP to opt out');
    expect(offer('zh-CN', '白金卡').body).toBe('Apply for the 白金卡 today.【测试信用卡中心】回复TD退订');
  });

  it('keeps an English marketing SMS in GSM-7 when its body is', () => {
    const gsm = fc.stringMatching(/^[A-Za-z0-9 .,!?'-]{0,200}$/);
    fc.assert(
      fc.property(gsm, (body) => expect(measureSms(withMarketingSuffix(body, 'en', 'Test Card Centre')).encoding).toBe('GSM-7')),
    );
  });

  const email = (marketing: boolean) =>
    variant(
      'mail',
      'en',
      'email',
      marketing
        ? { purpose: 'marketing', marketing: 'yes', fields: 'customer.fullName, unsubscribe.url' }
        : { fields: 'customer.fullName' },
      `=== subject ===\nHello {{customer.fullName}}\n=== html ===\n<p>Dear {{customer.fullName}}</p>${marketing ? '<a href="{{unsubscribe.url}}">Unsubscribe</a>' : ''}\n=== text ===\nDear {{customer.fullName}}${marketing ? '\nUnsubscribe: {{unsubscribe.url}}' : ''}`,
    );
  const mail = new TemplateLibrary([email(true)], OPTIONS);
  const send = (request: Partial<RenderRequest>) =>
    mail.render({
      key: 'mail',
      locale: 'en',
      channel: 'email',
      customer: customer({ fullName: 'Tom <b>"&" Jerry</b>' }),
      ...request,
    });

  it('escapes HTML in the HTML part only; the subject is one line', () => {
    const message = send({
      unsubscribeUrl: 'https://herald.test/api/unsubscribe?token=t1',
      customer: customer({ fullName: 'Tom <b>"&"\r\nJerry</b>' }),
    });
    expect(message.email!.html).toContain('<p>Dear Tom &lt;b&gt;&quot;&amp;&quot;\r\nJerry&lt;/b&gt;</p>');
    expect(message.email!.text).toContain('Dear Tom <b>"&"\r\nJerry</b>');
    expect(message.email!.subject).toBe('Hello Tom <b>"&" Jerry</b>');
  });

  it('gives marketing e-mail one-click List-Unsubscribe headers with the caller’s token URL', () => {
    const url = 'https://herald.test/api/unsubscribe?token=t1&c=2';
    const message = send({ unsubscribeUrl: url });
    expect(message.email!.headers).toEqual({
      'List-Unsubscribe': `<${url}>, <mailto:unsubscribe@herald.test?subject=unsubscribe>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect(message.email!.html).toContain('href="https://herald.test/api/unsubscribe?token&#x3D;t1&amp;c&#x3D;2"');
    expect(message.email!.text).toContain(`Unsubscribe: ${url}`);
    const plain = new TemplateLibrary([email(false)], OPTIONS).render({
      key: 'mail',
      locale: 'en',
      channel: 'email',
      customer: customer(),
    });
    expect(plain.email!.headers).toEqual({});
  });

  it('refuses marketing e-mail without a one-click URL under PUBLIC_BASE_URL', () => {
    expect(() => send({})).toThrow(expect.objectContaining({ code: 'TEMPLATE_URL_REQUIRED' }));
    for (const unsubscribeUrl of [
      'https://evil.test/api/unsubscribe?token=t1',
      'https://herald.test/other/unsubscribe?token=t1',
      'http://herald.test/api/unsubscribe?token=t1',
      'not a url',
    ]) {
      expect(() => send({ unsubscribeUrl })).toThrow(expect.objectContaining({ code: 'TEMPLATE_URL_INVALID' }));
    }
  });

  it('builds IVR TwiML with the locale’s language, gathering digits to the caller’s action URL', () => {
    const ivr = (locale: Locale) =>
      variant(
        'ivr',
        locale,
        'voice',
        { purpose: 'fraud', fields: 'customer.cardLast4', 'gather-digits': '1', 'gather-timeout': '8' },
        '=== say ===\nCard {{spellDigits customer.cardLast4}} & co.\n\nPress 1 or 2.\n=== no-input ===\nGoodbye.',
      );
    const voice = new TemplateLibrary([ivr('en'), ivr('zh-CN')], OPTIONS);
    const call = (locale: Locale, gatherActionUrl?: string) =>
      voice.render({ key: 'ivr', locale, channel: 'voice', customer: customer(), gatherActionUrl }).voice!.twiml;
    expect(call('en', 'https://herald.test/api/webhooks/ivr?task=1&x=2')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response>' +
        '<Gather input="dtmf" numDigits="1" timeout="8" action="https://herald.test/api/webhooks/ivr?task=1&amp;x=2" method="POST">' +
        '<Say language="en-US">Card 4 8 2 1 &amp; co.</Say><Say language="en-US">Press 1 or 2.</Say></Gather>' +
        '<Say language="en-US">Goodbye.</Say><Hangup/></Response>',
    );
    expect(call('zh-CN', 'https://herald.test/api/ivr')).toContain('<Say language="zh-CN">');
    expect(() => call('en')).toThrow(expect.objectContaining({ code: 'TEMPLATE_URL_REQUIRED' }));
    expect(() => call('en', 'https://elsewhere.test/ivr')).toThrow(expect.objectContaining({ code: 'TEMPLATE_URL_INVALID' }));
  });

  it('renders an agent script in its parts', () => {
    const script = variant(
      'call',
      'en',
      'agent',
      { purpose: 'collections', fields: 'customer.fullName, customer.cardLast4' },
      [
        '=== greeting ===\nHello {{customer.fullName}}.',
        '=== verification ===\n- Ask the date of birth.\n- Confirm the card ends {{maskCard customer.cardLast4}}.',
        '=== message ===\nYour payment is late.',
        '=== objections ===\nQ: I paid.\nA: Thank you, {{customer.fullName}}.',
        '=== dispositions ===\n- promise_to_pay: Promise to pay\n- refused: Refused',
      ].join('\n'),
    );
    const agent = new TemplateLibrary([script], OPTIONS).render({
      key: 'call',
      locale: 'en',
      channel: 'agent',
      customer: customer(),
    }).agent;
    expect(agent).toEqual({
      greeting: 'Hello Emily Carter.',
      verification: ['Ask the date of birth.', 'Confirm the card ends **** 4821.'],
      message: 'Your payment is late.',
      objections: [{ objection: 'I paid.', answer: 'Thank you, Emily Carter.' }],
      dispositions: [
        { code: 'promise_to_pay', label: 'Promise to pay' },
        { code: 'refused', label: 'Refused' },
      ],
    });
  });
});
