import { validateCustomerRow } from '../customer-row.validator';
import { ImportFileReader } from '../import/import-file.reader';
import { csvHeader, toCsvLine, toNdjsonLine } from '../import/import-file.format';
import { generateCustomer, generateCustomers, generatedExternalRef } from './customer-book.generator';

const TODAY = '2025-03-14';
const book = [...generateCustomers({ count: 20_000, seed: 42, today: TODAY })];
const share = (predicate: (row: (typeof book)[number]) => boolean) => book.filter(predicate).length / book.length;
const daysBefore = (date: string) => (Date.parse(TODAY) - Date.parse(date)) / 86_400_000;

describe('generateCustomers', () => {
  it('is deterministic: the same seed and day give the same book, another seed another book', () => {
    expect([...generateCustomers({ count: 50, seed: 42, today: TODAY })]).toEqual(book.slice(0, 50));
    const other = [...generateCustomers({ count: 50, seed: 43, today: TODAY })];
    expect(other.filter((row, i) => row.fullName === book[i].fullName && row.phone === book[i].phone).length).toBeLessThan(10);
  });

  it('gives the customer at any position without generating the ones before', () => {
    for (const index of [0, 1, 777, 19_999]) expect(generateCustomer(42, index, TODAY)).toEqual(book[index]);
    expect(book[777].externalRef).toBe(generatedExternalRef(777));
    expect(generatedExternalRef(0)).toBe('CB00000001');
  });

  it('writes only customers the import accepts as they are, as CSV and as NDJSON', async () => {
    const sample = book.slice(0, 3_000);
    for (const [format, text] of [
      ['csv', csvHeader() + sample.map(toCsvLine).join('')],
      ['ndjson', sample.map(toNdjsonLine).join('')],
    ] as const) {
      const reader = new ImportFileReader(format);
      const read = [];
      for await (const records of reader.read([Buffer.from(text)])) read.push(...records);
      const values = read.map((record) => validateCustomerRow(record.values, { source: format === 'csv' ? 'text' : 'json' }));
      expect(values).toEqual(sample.map((row) => ({ value: row })));
    }
  });

  it('is a book mostly in Shanghai with shares in New York, London and a few other zones', () => {
    expect(
      share((c) => c.timezone === 'Asia/Shanghai' && c.country === 'CN' && c.locale === 'zh-CN' && c.currency === 'CNY'),
    ).toBeCloseTo(0.8, 1);
    expect(share((c) => c.timezone === 'America/New_York' && c.country === 'US' && c.locale === 'en')).toBeCloseTo(0.07, 1);
    expect(share((c) => c.timezone === 'Europe/London' && c.country === 'GB')).toBeCloseTo(0.06, 1);
    expect(new Set(book.map((c) => c.timezone)).size).toBeGreaterThanOrEqual(6);
    expect(share((c) => /^[\u4e00-\u9fff]+$/.test(c.fullName))).toBeGreaterThan(0.8);
    expect(share((c) => /^[A-Z][a-z]+ [A-Z][a-z]+$/.test(c.fullName))).toBeGreaterThan(0.1);
  });

  it('has unique mainland mobiles and only reserved e-mail domains', () => {
    const cn = book.filter((c) => c.phone?.startsWith('+861'));
    expect(new Set(cn.map((c) => c.phone)).size).toBe(cn.length);
    expect(book.every((c) => c.email === null || /@example\.(com|net|org)$/.test(c.email))).toBe(true);
    expect(book.every((c) => c.attributes.synthetic === true)).toBe(true);
  });

  it('has a realistic overdue tail across the buckets', () => {
    const bucket = (min: number, max: number) => share((c) => c.daysPastDue >= min && c.daysPastDue <= max);
    expect(bucket(0, 0)).toBeCloseTo(0.8, 1);
    expect(bucket(1, 30)).toBeGreaterThan(0.06);
    for (const [min, max] of [
      [31, 60],
      [61, 90],
      [91, 9999],
    ])
      expect(bucket(min, max)).toBeGreaterThan(0.02);
    expect(book.filter((c) => c.daysPastDue > 0).every((c) => c.paidThisCycle < c.minimumDue || c.minimumDue === 0)).toBe(true);
  });

  it('puts statements on or before today and due dates weeks after them, so some fall due in the coming days', () => {
    expect(book.every((c) => daysBefore(c.statementDate!) >= 0 && daysBefore(c.statementDate!) < 31)).toBe(true);
    expect(book.every((c) => [20, 25].includes(daysBefore(c.statementDate!) - daysBefore(c.dueDate!)))).toBe(true);
    expect(share((c) => daysBefore(c.dueDate!) === -3)).toBeGreaterThan(0.02);
  });

  it('has never-activated cards issued days to weeks ago, without activity', () => {
    const inactive = book.filter((c) => c.cardStatus === 'not_activated');
    expect(inactive.length / book.length).toBeGreaterThan(0.03);
    expect(inactive.every((c) => c.lastCardActivityAt === null && daysBefore(c.cardIssuedOn!) <= 70)).toBe(true);
    expect(inactive.filter((c) => daysBefore(c.cardIssuedOn!) > 14).length / inactive.length).toBeGreaterThan(0.5);
  });

  it('mixes risk, scores, tags and consent', () => {
    for (const risk of ['low', 'medium', 'high']) expect(share((c) => c.riskLevel === risk)).toBeGreaterThan(0.05);
    expect(book.every((c) => c.creditScore === null || (c.creditScore >= 300 && c.creditScore <= 900))).toBe(true);
    expect(new Set(book.flatMap((c) => c.tags)).size).toBeGreaterThanOrEqual(8);
    for (const channel of ['sms', 'email', 'call'] as const) {
      expect(share((c) => c.consent[channel] === 'granted')).toBeGreaterThan(0.3);
      expect(share((c) => c.consent[channel] === 'revoked')).toBeGreaterThan(0.05);
      expect(share((c) => c.consent[channel] === undefined)).toBeGreaterThan(0.1);
    }
  });

  it('refuses a day that is not a calendar date', () => {
    expect(() => generateCustomer(1, 0, '2025-02-30')).toThrow(/YYYY-MM-DD/);
  });
});
