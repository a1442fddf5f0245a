import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/app-config';
import { generateCustomers } from '../../src/customers/book/customer-book.generator';
import { LOCALES, Locale } from '../../src/customers/customer.entity';
import { OPT_OUT_LINES } from '../../src/templates/channel.rules';
import { loadTemplateDirectory } from '../../src/templates/template-directory.loader';
import { TemplateLibraryError } from '../../src/templates/template.errors';
import { TemplateLibrary } from '../../src/templates/template.library';
import { MessageVariables, RenderedMessage, TemplateCustomer } from '../../src/templates/template.model';

const SHIPPED = join(__dirname, '..', '..', 'scripts-templates');
const config = loadConfig({ PUBLIC_BASE_URL: 'https://herald.test' });
const OPTIONS = { centre: config.templates.centre, publicBaseUrl: config.publicBaseUrl };

/** Per-message values as flows and campaigns would pass them, in the customer's currency. */
function variablesFor(customer: TemplateCustomer, i: number): MessageVariables {
  const merchants = [
    'AMAZON MKTPLACE PMTS AMZN.COM/BILL',
    '京东商城',
    'SHELL OIL 57442 HOUSTON TX',
    '美团外卖·北京朝阳区望京店',
    'UBER *TRIP',
  ];
  const txn = (n: number) => ({
    amount: 99 + (((i + n) * 7919) % 9_999_999),
    currency: customer.currency!,
    merchant: merchants[(i + n) % merchants.length],
    at: new Date(Date.UTC(2025, 10, 21, (i + n) % 24, (i * 7) % 60)),
    reference: String(1000 + ((i + n) % 9000)),
  });
  return {
    txn: txn(0),
    pending: [txn(0), txn(1), ...(i % 3 === 0 ? [txn(2)] : [])],
    offer: {
      instalments: [3, 6, 12, 24][i % 4],
      instalmentAmount: 1_000 + (i % 50_000),
      respondBy: '2025-12-12',
      ...(i % 2 ? { deferUntil: '2026-01-05' } : {}),
    },
    product: { name: customer.locale === 'zh-CN' ? '白金信用卡' : 'Platinum Rewards Card' },
    link: { url: 'https://herald.example/apply?c=1&ref=<x>' },
  };
}

describe('the shipped template library', () => {
  const variants = loadTemplateDirectory(SHIPPED);
  const library = new TemplateLibrary(variants, OPTIONS);
  const book = [...generateCustomers({ count: 400, seed: 42, today: '2025-11-21' })] as TemplateCustomer[];

  it('has every message the centre sends, in zh-CN and en', () => {
    const shipped = new Set(variants.map((v) => `${v.key} ${v.locale} ${v.channel}`));
    const expected = {
      'repayment-reminder-before-due': ['sms', 'email'],
      'repayment-reminder-due-today': ['sms', 'email'],
      'collections-early': ['sms', 'agent'],
      'collections-later-offer': ['sms', 'email', 'agent'],
      'fraud-verification': ['sms', 'voice', 'agent'],
      'fraud-confirmed-genuine': ['sms', 'voice'],
      'fraud-confirmed-not-genuine': ['sms', 'voice'],
      'fraud-next-steps': ['agent'],
      'card-activation': ['sms', 'email'],
      'new-card-offer': ['sms', 'email'],
      'opt-out-confirmation': ['sms'],
      'marketing-opt-out-confirmation': ['sms'],
      help: ['sms'],
      'which-transaction': ['sms'],
    };
    for (const [key, channels] of Object.entries(expected)) {
      for (const channel of channels) for (const locale of LOCALES) expect(shipped).toContain(`${key} ${locale} ${channel}`);
    }
  });

  it('renders every template for every customer of a generated book, without a missing value', () => {
    // The book gives every customer a due date and card digits; phones and e-mail may be missing.
    expect(book.some((c) => c.phone === null)).toBe(true);
    let renders = 0;
    const faults: string[] = [];
    for (const variant of variants) {
      book.forEach((customer, i) => {
        const message = library.render({
          key: variant.key,
          locale: variant.locale,
          channel: variant.channel,
          customer,
          variables: variablesFor(customer, i),
          unsubscribeUrl: `https://herald.test/unsubscribe?token=t${i}`,
          gatherActionUrl: `https://herald.test/webhooks/ivr?task=${i}`,
        });
        for (const text of texts(message)) {
          if (/undefined|NaN|\[object |null|\{\{|\}\}/.test(text) || !text.trim())
            faults.push(`${variant.origin} for customer ${i}: ${text}`);
        }
        renders++;
      });
    }
    expect(faults).toEqual([]);
    expect(renders).toBe(variants.length * book.length);
  });

  it('sends fraud alerts within 160 characters, with the reply reference, asking for nothing secret', () => {
    book.forEach((customer, i) => {
      const variables = variablesFor(customer, i);
      const { sms } = library.render({
        key: 'fraud-verification',
        locale: customer.locale as Locale,
        channel: 'sms',
        customer,
        variables,
      });
      const reference = (variables.txn as { reference: string }).reference;
      expect(sms!.characters).toBeLessThanOrEqual(160);
      expect(sms!.body).toContain(`Y ${reference}`);
      expect(sms!.body).toContain(`N ${reference}`);
      expect(sms!.body).not.toMatch(/密码|验证码|卡号|CVV|password|passcode|PIN|code|card number/i);
    });
  });

  it('ends every marketing SMS with the opt-out line, and only those', () => {
    for (const variant of variants.filter((v) => v.channel === 'sms')) {
      const { sms } = library.render({
        key: variant.key,
        locale: variant.locale,
        channel: 'sms',
        customer: book[0],
        variables: variablesFor(book[0], 0),
      });
      if (variant.header.marketing) expect(sms!.body.endsWith(OPT_OUT_LINES[variant.locale])).toBe(true);
      else expect(sms!.body.endsWith(OPT_OUT_LINES[variant.locale])).toBe(false);
    }
  });

  it('writes English SMS in GSM-7, so that a part holds 160 characters', () => {
    const english = book.find((c) => c.locale === 'en' && c.currency === 'USD')!;
    for (const variant of variants.filter((v) => v.channel === 'sms' && v.locale === 'en' && v.key !== 'which-transaction')) {
      // Position 0 buys from a merchant with a Latin name: the template alone decides the encoding.
      const { sms } = library.render({
        key: variant.key,
        locale: 'en',
        channel: 'sms',
        customer: english,
        variables: variablesFor(english, 0),
      });
      expect([variant.key, sms!.encoding]).toEqual([variant.key, 'GSM-7']);
    }
  });

  it('asks agents to verify identity without a full card number or password', () => {
    for (const variant of variants.filter((v) => v.channel === 'agent')) {
      const { agent } = library.render({
        key: variant.key,
        locale: variant.locale,
        channel: 'agent',
        customer: book[0],
        variables: variablesFor(book[0], 0),
      });
      expect(agent!.verification.length).toBeGreaterThanOrEqual(3);
      expect(agent!.verification.join('\n')).toMatch(/\*\*\*\* \d{4}/);
      expect(agent!.dispositions.length).toBeGreaterThanOrEqual(4);
    }
  });
});

/** Every piece of text a rendered message carries. */
function texts(message: RenderedMessage): string[] {
  if (message.sms) return [message.sms.body];
  if (message.email) return [message.email.subject, message.email.html, message.email.text];
  if (message.voice) return [message.voice.twiml];
  const agent = message.agent!;
  return [
    agent.greeting,
    agent.message,
    ...agent.verification,
    ...agent.objections.flatMap((o) => [o.objection, o.answer]),
    ...agent.dispositions.map((d) => d.label),
  ];
}

describe('loading a template directory', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'herald-templates-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (path: string, fields: string, body: string, extra = '') => {
    const [key, name] = path.split('/');
    const [locale, channel] = name.split('.');
    mkdirSync(join(dir, key), { recursive: true });
    writeFileSync(
      join(dir, path),
      `---\npurpose: service\nchannel: ${channel}\nlocale: ${locale}\nmarketing: no\ndescription: test\nfields: ${fields}\n${extra}---\n${body}\n`,
    );
  };
  const both = (key: string, fields: string, body: string) => {
    write(`${key}/en.sms.hbs`, fields, body);
    write(`${key}/zh-CN.sms.hbs`, fields, body);
  };
  const loadProblems = (): string[] => {
    try {
      loadTemplateDirectory(dir);
    } catch (error) {
      expect(error).toBeInstanceOf(TemplateLibraryError);
      return (error as TemplateLibraryError).details.map((d) => `${d.field.replace(`${dir}/`, '')} ${d.reason}`);
    }
    throw new Error('the directory loaded');
  };

  it('stops on an undeclared variable, an unbalanced block and a syntax error, naming each file and line at once', () => {
    both('fine', 'centre.name', '{{centre.name}}');
    both('undeclared', 'centre.name', '{{centre.name}}\n{{centre.hotline}}');
    both('unbalanced', 'centre.name', '{{#if centre.name}}\n{{centre.name}}\n{{/each}}');
    both('syntax', 'centre.name', 'Hello\n{{centre.name}');
    const problems = loadProblems();
    for (const locale of LOCALES) {
      expect(problems).toContain(
        `undeclared/${locale}.sms.hbs:10 "centre.hotline" is used but not declared in the header (fields or optional)`,
      );
      expect(problems).toContain(`unbalanced/${locale}.sms.hbs:9 unbalanced block: {{#if}} opened here is closed by {{/each}}`);
      expect(problems).toContainEqual(expect.stringMatching(new RegExp(`^syntax/${locale}.sms.hbs:10 syntax error: `)));
    }
    expect(problems).toHaveLength(6);
    expect(() => loadTemplateDirectory(dir)).toThrow(/^Invalid templates:\n(.*\n)* {2}- .*undeclared\/en\.sms\.hbs:10: /);
  });

  it('requires every channel of a key in every locale, with the same fields and dispositions', () => {
    write('lonely/en.sms.hbs', 'centre.name', '{{centre.name}}');
    both('differs', 'centre.name', '{{centre.name}}');
    write('differs/zh-CN.sms.hbs', 'centre.name, centre.hotline', '{{centre.name}} {{centre.hotline}}');
    const problems = loadProblems();
    expect(problems).toContain('lonely/en.sms.hbs:0 template lonely has no zh-CN sms variant');
    expect(problems).toContainEqual(
      expect.stringMatching(/^differs\/zh-CN\.sms\.hbs:1 fields differs from .*differs\/en\.sms\.hbs$/),
    );
  });

  it('refuses files that are not <locale>.<channel>.hbs in a key directory', () => {
    both('fine', 'centre.name', '{{centre.name}}');
    writeFileSync(join(dir, 'fine', 'en.fax.hbs'), 'x');
    writeFileSync(join(dir, 'README.md'), 'x');
    const problems = loadProblems();
    expect(problems).toContainEqual(expect.stringMatching(/^fine\/en\.fax\.hbs:0 expected <locale>\.<channel>\.hbs/));
    expect(problems).toContainEqual(expect.stringMatching(/^README\.md:0 expected a directory named like a template key/));
  });

  it('refuses a directory that does not exist or holds no templates', () => {
    expect(loadProblems()).toEqual([expect.stringMatching(/no templates found$/)]);
    expect(() => loadTemplateDirectory(join(dir, 'missing'))).toThrow(/the templates directory does not exist \(TEMPLATES_DIR\)/);
  });
});
