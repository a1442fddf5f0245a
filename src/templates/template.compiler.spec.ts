import { compileTemplate, templateVersion } from './template.compiler';
import { VariantId } from './template.model';

const SMS: VariantId = { key: 'test', locale: 'en', channel: 'sms' };
const EMAIL: VariantId = { key: 'test', locale: 'en', channel: 'email' };

/** A template file: header entries (defaults for an English service SMS) and the body. */
function file(body: string, header: Record<string, string> = {}): string {
  const entries = {
    purpose: 'service',
    channel: 'sms',
    locale: 'en',
    marketing: 'no',
    description: 'a test',
    fields: '',
    ...header,
  };
  return `---\n${Object.entries(entries)
    .map(([key, value]) => `${key}: ${value}`)
    .join('\n')}\n---\n${body}\n`;
}

/** The problems of a file as `line: message`. */
function problems(source: string, id: VariantId = SMS): string[] {
  return compileTemplate(source, id, 'test.hbs').problems.map((p) => `${p.line}: ${p.message}`);
}

describe('compileTemplate: what stops a template from loading, with its line', () => {
  it('accepts a template whose fields are all declared and used', () => {
    const { variant, problems: found } = compileTemplate(
      file('Hi {{customer.fullName}}, {{money customer.minimumDue customer.currency}} is due {{date customer.dueDate}}.', {
        fields: 'customer.fullName, customer.minimumDue, customer.currency, customer.dueDate',
      }),
      SMS,
      'test.hbs',
    );
    expect(found).toEqual([]);
    expect(variant!.requiredProfile).toEqual(['fullName', 'minimumDue', 'currency', 'dueDate']);
  });

  it('names the line of a field used but not declared', () => {
    const source = file('Hello.\nYour card {{customer.cardLast4}} is due.', { fields: '' });
    // Header: 8 lines (--- + 6 entries + ---), so the body's second line is line 10.
    expect(problems(source)).toEqual(['10: "customer.cardLast4" is used but not declared in the header (fields or optional)']);
  });

  it('names the header line of a declared field the profile does not have', () => {
    const source = file('{{customer.shoeSize}}', { fields: 'customer.shoeSize' });
    expect(problems(source)).toEqual(
      expect.arrayContaining([
        '7: "customer.shoeSize" is declared but the customer profile has no such field',
        '9: "customer.shoeSize" is neither a customer profile field nor a message variable',
      ]),
    );
    expect(problems(file('{{txn.colour}}', { fields: 'txn.colour' }))).toContain(
      '7: "txn.colour" is declared but no such message variable',
    );
  });

  it('refuses JSON and array columns of the profile: they are not template material', () => {
    expect(problems(file('{{customer.tags}}', { fields: 'customer.tags' }))[0]).toMatch(
      /^7: "customer.tags" is declared but the customer profile has no such field/,
    );
  });

  it('names the line of an unbalanced block', () => {
    const source = file('Line one\n{{#if customer.cardLast4}}\ncard\n{{/unless}}', { optional: 'customer.cardLast4' });
    // The header has an optional entry too (9 lines): {{#if}} is on line 11, {{/unless}} on 13.
    expect(problems(source)).toEqual(['11: unbalanced block: {{#if}} opened here is closed by {{/unless}}']);
  });

  it('names the line where a block that is never closed was opened', () => {
    const source = file('Line one\n{{#if customer.cardLast4}}\ncard\nmore', { optional: 'customer.cardLast4' });
    expect(problems(source)).toEqual(['11: unbalanced block: {{#if}} is never closed']);
  });

  it('names the line of a syntax error', () => {
    expect(problems(file('Hello\nthere {{ centre.name', { fields: 'centre.name' }))).toEqual([
      expect.stringMatching(/^10: syntax error: Expecting .*got 'INVALID'$/),
    ]);
    expect(problems(file('Hello\n\nthere {{centre.name}}}', { fields: 'centre.name' }))[0]).toMatch(/^11: syntax error/);
  });

  it('refuses unescaped output, partials and unknown helpers or blocks', () => {
    const fields = { fields: 'centre.name' };
    expect(problems(file('{{{centre.name}}}', fields))).toEqual(['9: unescaped output ({{{…}}} or {{&…}}) is not allowed']);
    expect(problems(file('{{&centre.name}}', fields))).toEqual(['9: unescaped output ({{{…}}} or {{&…}}) is not allowed']);
    expect(problems(file('{{centre.name}} {{> footer}}', fields))).toEqual([
      '9: PartialStatement is not allowed: templates are self-contained (no partials or decorators)',
    ]);
    expect(problems(file('{{upper centre.name}}', fields))[0]).toMatch(/^9: unknown helper "upper"/);
    expect(problems(file('{{#with centre}}{{name}}{{/with}}', fields))[0]).toMatch(/^9: unknown block "\{\{#with\}\}"/);
    expect(problems(file('{{lookup centre "name"}}', fields))[0]).toMatch(/^9: unknown helper "lookup"/);
    expect(problems(file('{{toString}} {{constructor}}', fields))).toEqual(
      expect.arrayContaining([
        '9: "toString" is neither a customer profile field nor a message variable',
        '9: "constructor" is neither a customer profile field nor a message variable',
      ]),
    );
    expect(problems(file('{{#each pending}}{{constructor}}{{@constructor}}{{/each}}', { fields: 'pending' }))).toEqual([
      expect.stringMatching(/^9: "constructor" is not a field of pending/),
      '9: "@constructor" is not available here',
    ]);
  });

  it('requires money, dates and lists to go through their helpers', () => {
    expect(problems(file('{{customer.minimumDue}}', { fields: 'customer.minimumDue' }))).toEqual([
      '9: "customer.minimumDue" is money: show it with {{money amount currency}}',
    ]);
    expect(problems(file('{{txn.at}}', { fields: 'txn.at' }))[0]).toMatch(/"txn.at" is instant: show it with/);
    expect(
      problems(file('{{money customer.minimumDue customer.fullName}}', { fields: 'customer.minimumDue, customer.fullName' })),
    ).toEqual(['9: "customer.fullName" is string; expected currency']);
    expect(problems(file('{{time customer.dueDate}}', { fields: 'customer.dueDate' }))).toEqual([
      '9: "customer.dueDate" is date; expected instant',
    ]);
    expect(problems(file('{{money customer.minimumDue}}', { fields: 'customer.minimumDue' }))).toEqual([
      '9: {{money}} takes 2 parameters',
    ]);
    expect(problems(file('{{money customer.minimumDue "CNY"}}', { fields: 'customer.minimumDue' }))).toEqual([]);
  });

  it('admits an optional field only inside {{#if field}} (or the else of {{#unless field}})', () => {
    const optional = { optional: 'customer.phone' };
    expect(problems(file('{{#if customer.phone}}Call {{maskPhone customer.phone}}{{/if}}', optional))).toEqual([]);
    expect(problems(file('{{#unless customer.phone}}no phone{{else}}{{maskPhone customer.phone}}{{/unless}}', optional))).toEqual(
      [],
    );
    expect(problems(file('Call {{maskPhone customer.phone}}', optional))).toEqual([
      '10: "customer.phone" is optional: use it only inside {{#if customer.phone}}',
    ]);
    expect(problems(file('{{#if customer.phone}}{{else}}{{customer.phone}}{{/if}}', optional))).toEqual([
      '10: "customer.phone" is optional: use it only inside {{#if customer.phone}}',
    ]);
  });

  it('walks lists with their item fields', () => {
    const fields = { fields: 'pending' };
    expect(problems(file('{{#each pending}}{{money amount currency}} ref {{reference}} #{{@index}};{{/each}}', fields))).toEqual(
      [],
    );
    expect(problems(file('{{#each pending}}{{colour}}{{/each}}', fields))[0]).toMatch(/^9: "colour" is not a field of pending/);
    expect(problems(file('{{#each centre.name}}x{{/each}}', { fields: 'centre.name' }))).toEqual([
      '9: {{#each}} needs a list; "centre.name" is string',
    ]);
  });

  it('refuses declarations that are never used, or both required and optional', () => {
    expect(problems(file('Hello', { fields: 'centre.name' }))).toEqual(['7: "centre.name" is declared but never used']);
    expect(
      problems(file('{{#if centre.name}}{{centre.name}}{{/if}}', { fields: 'centre.name', optional: 'centre.name' })),
    ).toContain('8: "centre.name" is declared both required and optional');
  });

  it('checks the header: entries, values, and agreement with the file name', () => {
    expect(problems('Hello')).toEqual(['1: a template starts with a front matter header between --- lines']);
    expect(problems('---\npurpose: service\nHello')).toEqual(['1: the front matter header is never closed with ---']);
    expect(problems(file('Hi', { purpose: 'gossip' }))).toEqual([
      '2: purpose must be one of collections, service, fraud, marketing, system, got "gossip"',
    ]);
    expect(problems(file('Hi', { colour: 'red' }))).toEqual([expect.stringMatching(/^8: unknown header entry "colour"/)]);
    expect(problems(file('Hi', { locale: 'zh-CN' }))).toEqual(['4: locale is "zh-CN" but the file name says "en"']);
    expect(problems(file('Hi', { purpose: 'fraud', marketing: 'yes' }))).toEqual([
      '5: fraud messages carry no marketing (marketing: no)',
    ]);
    expect(problems(file('Hi', { purpose: 'marketing' }))).toEqual(['5: a marketing-purpose template is marketing: yes']);
    expect(problems(file('Hi', { 'gather-digits': '1' }))).toEqual([
      '8: gather-digits and gather-timeout are for voice templates',
    ]);
  });

  it('checks sections: every one a channel needs, none it does not have, no text outside them', () => {
    const email = (body: string, header: Record<string, string> = {}) => file(body, { channel: 'email', ...header });
    expect(problems(email('=== subject ===\nHi\n=== html ===\n<p>Hi</p>'), EMAIL)).toEqual([
      '12: the email template lacks its "text" section',
    ]);
    expect(problems(email('stray\n=== subject ===\nHi\n=== html ===\n<p>Hi</p>\n=== text ===\nHi'), EMAIL)).toEqual([
      '9: text before the first === section ===',
    ]);
    expect(problems(email('=== subject ===\nHi\n=== body ===\nx\n=== html ===\n<p>Hi</p>\n=== text ===\nHi'), EMAIL)).toEqual([
      '11: a email template has no "body" section (expected: subject, html, text)',
    ]);
    expect(problems(file('Hi\n=== text ===\nthere'))).toEqual(['10: an SMS template is one text, without === sections ===']);
  });

  it('reads agent scripts: steps, objection pairs and one of each disposition', () => {
    const AGENT: VariantId = { key: 'test', locale: 'en', channel: 'agent' };
    const script = (objections: string, dispositions: string) =>
      file(
        `=== greeting ===\nHi\n=== verification ===\n- Ask the date of birth\n=== message ===\nLate\n=== objections ===\n${objections}\n=== dispositions ===\n${dispositions}`,
        { channel: 'agent', purpose: 'collections' },
      );
    expect(problems(script('Q: I paid\nA: Thanks', '- paid: Paid'), AGENT)).toEqual([]);
    expect(problems(script('Q: I paid\nQ: Who are you?', '- paid: Paid'), AGENT)).toEqual([
      '16: this objection has no "A:" answer',
      '17: this objection has no "A:" answer',
    ]);
    expect(problems(script('Q: I paid\nA: Thanks', '- paid: Paid\n- paid: Again\nrefused'), AGENT).sort()).toEqual([
      '20: disposition paid appears twice',
      '21: each line of "dispositions" is an item starting with "- "',
    ]);
  });

  it('requires marketing e-mail to show the unsubscribe link in both parts, and only marketing e-mail to have one', () => {
    const marketing = { purpose: 'marketing', marketing: 'yes', channel: 'email', fields: 'unsubscribe.url' };
    const body = '=== subject ===\nOffer\n=== html ===\n<a href="{{unsubscribe.url}}">stop</a>\n=== text ===\nNo link here';
    expect(problems(file(body, marketing), EMAIL)).toEqual(['14: a marketing e-mail shows {{unsubscribe.url}} in its text part']);
    expect(problems(file('{{unsubscribe.url}}', { fields: 'unsubscribe.url' }))).toContain(
      '7: "unsubscribe.url" is for marketing e-mail only',
    );
  });

  it('versions a template by the hash of its content', () => {
    const source = file('Hello');
    expect(compileTemplate(source, SMS, 'a').variant!.version).toBe(templateVersion(source));
    expect(templateVersion(source)).toMatch(/^[0-9a-f]{12}$/);
    expect(templateVersion(`${source} `)).not.toBe(templateVersion(source));
  });
});
