import fc from 'fast-check';
import { generateCustomer } from './book/customer-book.generator';
import { CustomerRow, validateCustomerChanges, validateCustomerRow, Validated } from './customer-row.validator';
import { normalisePhone } from './phone-number.normalizer';

const minimal = { externalRef: 'CRM-1', fullName: '王芳' };

function valueOf<T>(result: Validated<T>): T {
  if ('problems' in result) throw new Error(`unexpected problems: ${JSON.stringify(result.problems)}`);
  return result.value;
}

function problemsOf(result: Validated<unknown>) {
  if (!('problems' in result)) throw new Error('expected problems');
  return result.problems;
}

const json = (raw: Record<string, unknown>) => validateCustomerRow(raw, { source: 'json' });
const text = (raw: Record<string, string>) => validateCustomerRow(raw, { source: 'text', byColumn: true });

describe('validateCustomerRow', () => {
  it('fills in the defaults of a customer in China', () => {
    expect(valueOf(json(minimal))).toMatchObject({
      country: 'CN',
      locale: 'zh-CN',
      timezone: 'Asia/Shanghai',
      currency: 'CNY',
      cardStatus: 'active',
      riskLevel: 'low',
      creditLimit: 0,
      phone: null,
      tags: [],
      attributes: {},
      consent: {},
    });
  });

  it('asks for the zone and currency of a customer outside China rather than guessing them', () => {
    expect(problemsOf(json({ ...minimal, country: 'US' }))).toEqual([
      { field: 'timezone', reason: 'is required when country is not CN' },
      { field: 'currency', reason: 'is required when country is not CN' },
    ]);
    expect(valueOf(json({ ...minimal, country: 'us', timezone: 'America/New_York', currency: 'usd' }))).toMatchObject({
      country: 'US',
      currency: 'USD',
      locale: 'en',
    });
  });

  it.each([
    ['13812345678', 'CN', '+8613812345678'],
    ['138 1234 5678', 'CN', '+8613812345678'],
    ['+86 138-1234-5678', 'CN', '+8613812345678'],
    ['008613812345678', 'CN', '+8613812345678'],
    ['(212) 555-0123', 'US', '+12125550123'],
    ['07400 123456', 'GB', '+447400123456'],
    ['+8613812345678', 'GB', '+8613812345678'],
  ])('normalises the phone %s (country %s) to %s', (phone, country, e164) => {
    const raw = { ...minimal, phone, country, timezone: 'Asia/Shanghai', currency: 'CNY' };
    expect(valueOf(json(raw)).phone).toBe(e164);
  });

  it.each([
    ['12345', 'too short'],
    ['010 6552 9988', 'a Beijing landline'],
    ['+86 138 1234 567', 'a digit short'],
    ['call me', 'not a number'],
  ])('refuses the phone %s (%s), naming the field', (phone) => {
    expect(problemsOf(json({ ...minimal, phone }))).toEqual([
      { field: 'phone', reason: expect.stringMatching(/not a valid mobile number/) },
    ]);
  });

  it('takes money as whole minor units only', () => {
    const byKey = (raw: Record<string, unknown>) => validateCustomerRow(raw, { source: 'text' });
    expect(valueOf(byKey({ ...minimal, creditLimit: '500000', statementBalance: '-1200' }))).toMatchObject({
      creditLimit: 500000,
      statementBalance: -1200,
    });
    for (const [field, value] of [
      ['creditLimit', '12.50'],
      ['creditLimit', '-1'],
      ['minimumDue', '1e5'],
      ['paidThisCycle', '¥100'],
    ]) {
      expect(problemsOf(byKey({ ...minimal, [field]: value }))).toEqual([
        { field, reason: expect.stringMatching(/minor units|between/) },
      ]);
    }
    expect(problemsOf(json({ ...minimal, creditLimit: '5000' }))).toEqual([
      { field: 'creditLimit', reason: 'must be a whole number of minor units (fen, cents)' },
    ]);
    expect(problemsOf(json({ ...minimal, creditLimit: 50.5 }))[0].field).toBe('creditLimit');
  });

  it('checks calendar dates and instants, keeping the instant of an offset time', () => {
    expect(valueOf(json({ ...minimal, dueDate: '2024-02-29', lastCardActivityAt: '2025-03-01T09:30:00+08:00' }))).toMatchObject({
      dueDate: '2024-02-29',
      lastCardActivityAt: new Date('2025-03-01T01:30:00Z'),
    });
    expect(problemsOf(json({ ...minimal, dueDate: '2025-02-29' }))).toEqual([
      { field: 'dueDate', reason: 'must be a calendar date YYYY-MM-DD' },
    ]);
    for (const instant of ['2025-03-01T09:30:00', '2025-03-01T24:00:00Z', '2025-13-01T00:00:00Z', 'yesterday']) {
      expect(problemsOf(json({ ...minimal, lastCardActivityAt: instant }))[0].field).toBe('lastCardActivityAt');
    }
  });

  it('accepts exactly the dates of the calendar between 1900 and 2199', () => {
    const isCalendarDate = (year: number, month: number, day: number) => {
      const check = new Date(Date.UTC(year, month - 1, day));
      return year >= 1900 && year <= 2199 && check.getUTCMonth() === month - 1 && check.getUTCDate() === day;
    };
    const pad = (value: number, width: number) => String(value).padStart(width, '0');
    fc.assert(
      fc.property(
        fc.integer({ min: 1800, max: 2300 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (y, m, d) => {
          const dueDate = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
          const accepted = 'value' in json({ ...minimal, dueDate });
          expect(accepted).toBe(isCalendarDate(y, m, d));
        },
      ),
      { numRuns: 20_000 },
    );
    const leapDays = ['1900-02-29', '2000-02-29', '2100-02-29', '2024-02-29'].map(
      (dueDate) => 'value' in json({ ...minimal, dueDate }),
    );
    expect(leapDays).toEqual([false, true, false, true]);
    expect(valueOf(json({ ...minimal, dueDate: ' 2199-12-31 ' })).dueDate).toBe('2199-12-31');
  });

  it('reads tags as a|b from text and as an array from JSON, once each', () => {
    expect(valueOf(validateCustomerRow({ ...minimal, tags: 'vip| auto_pay |vip' }, { source: 'text' })).tags).toEqual([
      'vip',
      'auto_pay',
    ]);
    expect(valueOf(json({ ...minimal, tags: ['高价值', 'vip'] })).tags).toEqual(['高价值', 'vip']);
    expect(problemsOf(json({ ...minimal, tags: ['two words'] }))[0]).toMatchObject({ field: 'tags' });
    expect(problemsOf(json({ ...minimal, tags: 'vip' }))[0]).toEqual({ field: 'tags', reason: 'must be an array of tags' });
  });

  it('takes attributes as a JSON object of bounded size', () => {
    expect(valueOf(validateCustomerRow({ ...minimal, attributes: '{"branch":"SH01"}' }, { source: 'text' })).attributes).toEqual({
      branch: 'SH01',
    });
    expect(problemsOf(json({ ...minimal, attributes: [1] }))[0]).toEqual({
      field: 'attributes',
      reason: 'must be a JSON object',
    });
    expect(problemsOf(json({ ...minimal, attributes: { note: 'x'.repeat(5000) } }))[0].reason).toMatch(/at most 4096/);
  });

  it('checks zones, countries, currencies, locales and enumerations', () => {
    expect(valueOf(json({ ...minimal, timezone: 'asia/shanghai' })).timezone).toBe('Asia/Shanghai');
    const problems = problemsOf(
      json({
        ...minimal,
        timezone: 'UTC+8',
        country: 'XX',
        currency: 'RMB',
        locale: 'fr',
        cardStatus: 'lost',
        riskLevel: 'extreme',
      }),
    );
    expect(problems.map((p) => p.field).sort()).toEqual(['cardStatus', 'country', 'currency', 'locale', 'riskLevel', 'timezone']);
  });

  it('refuses missing names and control characters, and names fields by column for imports', () => {
    expect(problemsOf(text({ externalRef: ' ' }))).toEqual([
      { field: 'external_ref', reason: 'is required' },
      { field: 'full_name', reason: 'is required' },
    ]);
    expect(
      problemsOf(validateCustomerRow({ externalRef: 'has space', fullName: 'A\u0007B' }, { source: 'text', byColumn: true })),
    ).toEqual([
      { field: 'external_ref', reason: 'must be printable ASCII without spaces' },
      { field: 'full_name', reason: 'must not contain control characters' },
    ]);
  });

  it('carries marketing consent per channel', () => {
    expect(valueOf(json({ ...minimal, consentSms: 'granted', consentCall: 'revoked' })).consent).toEqual({
      sms: 'granted',
      call: 'revoked',
    });
    expect(problemsOf(validateCustomerRow({ ...minimal, consentEmail: 'yes' }, { source: 'text', byColumn: true }))).toEqual([
      { field: 'consent_email', reason: 'must be one of granted, revoked' },
    ]);
  });

  it('accepts every generated customer unchanged, through JSON as through the API', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.nat(100_000), (seed, index) => {
        const customer = generateCustomer(seed, index, '2025-03-14');
        const { consent, ...profile } = JSON.parse(JSON.stringify(customer)) as CustomerRow;
        const raw = { ...profile, consentSms: consent.sms, consentEmail: consent.email, consentCall: consent.call };
        expect(valueOf(json(raw))).toEqual(customer);
      }),
      { numRuns: 300 },
    );
  });

  it('answers any input with a value or problems, never an exception', () => {
    const anything = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string()),
      fc.object(),
    );
    const fields = [
      'externalRef',
      'fullName',
      'phone',
      'email',
      'country',
      'timezone',
      'creditLimit',
      'dueDate',
      'lastCardActivityAt',
      'tags',
      'attributes',
    ];
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...fields), anything),
        fc.constantFrom('text' as const, 'json' as const),
        (raw, source) => {
          const result = validateCustomerRow(raw, { source });
          expect('value' in result || result.problems.length > 0).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('validateCustomerChanges', () => {
  it('checks only the fields given, clears nullable ones and refuses to clear required ones', () => {
    expect(
      valueOf(validateCustomerChanges({ city: null, email: 'WANG@example.com', fullName: undefined }, { country: 'CN' })),
    ).toEqual({
      city: null,
      email: 'WANG@example.com',
    });
    expect(problemsOf(validateCustomerChanges({ fullName: '', locale: null }, { country: 'CN' }))).toEqual([
      { field: 'fullName', reason: 'must not be empty' },
      { field: 'locale', reason: 'must not be empty' },
    ]);
  });

  it("reads a new phone in the customer's country, or in the country the change sets", () => {
    expect(valueOf(validateCustomerChanges({ phone: '(212) 555-0123' }, { country: 'US' })).phone).toBe('+12125550123');
    expect(valueOf(validateCustomerChanges({ phone: '07400 123456', country: 'GB' }, { country: 'CN' })).phone).toBe(
      '+447400123456',
    );
    expect(problemsOf(validateCustomerChanges({ phone: '(212) 555-0123' }, { country: 'CN' }))[0].field).toBe('phone');
  });
});

describe('normalisePhone', () => {
  it('is idempotent: a normalised number normalises to itself from any country', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), fc.constantFrom('CN', 'US', 'GB', 'HK'), (digits, country) => {
        const first = normalisePhone(`138${String(digits).padStart(8, '0')}`, 'CN');
        expect('e164' in first).toBe(true);
        expect(normalisePhone((first as { e164: string }).e164, country)).toEqual(first);
      }),
    );
  });
});
