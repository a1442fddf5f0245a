import fc from 'fast-check';
import { FraudRuleSettings } from './fraud.config';
import { assessTransaction, CardholderFacts, isNight, TransactionFacts } from './fraud.rules';

const settings: FraudRuleSettings = {
  amountThreshold: { low: 5_000_000, medium: 2_000_000, high: 500_000 },
  velocityCount: 3,
  velocityMinutes: 30,
  nightStart: '00:00',
  nightEnd: '06:00',
  nightCnpAmount: 200_000,
};
const holder: CardholderFacts = { riskLevel: 'low', country: 'CN', timezone: 'Asia/Shanghai' };
// 14:00 in Shanghai.
const AT = new Date('2026-11-23T06:00:00Z');
const txn = (over: Partial<TransactionFacts> = {}): TransactionFacts => ({
  amount: 10_000,
  country: 'CN',
  city: 'Shanghai',
  cardNotPresent: false,
  at: AT,
  ...over,
});
const codes = (t: TransactionFacts, h = holder, recent: TransactionFacts[] = []) =>
  assessTransaction(t, h, recent, settings).map((r) => r.code);

describe('fraud rules', () => {
  it('clears an ordinary purchase at home', () => {
    expect(codes(txn())).toEqual([]);
  });

  it.each([
    ['low', 5_000_000, false],
    ['low', 5_000_001, true],
    ['medium', 2_000_001, true],
    ['medium', 2_000_000, false],
    ['high', 500_001, true],
    ['high', 400_000, false],
  ] as const)('amount threshold for %s risk at %d → %s', (riskLevel, amount, hit) => {
    expect(codes(txn({ amount }), { ...holder, riskLevel }).includes('AMOUNT_OVER_RISK_THRESHOLD')).toBe(hit);
  });

  it('flags a country other than home, in any case', () => {
    expect(codes(txn({ country: 'us' }))).toEqual(['FOREIGN_COUNTRY']);
    expect(codes(txn({ country: 'cn' }))).toEqual([]);
  });

  it('flags velocity only across at least two cities within the window', () => {
    const minutesAgo = (m: number, city: string) => txn({ at: new Date(AT.getTime() - m * 60_000), city });
    expect(codes(txn(), holder, [minutesAgo(5, 'Beijing'), minutesAgo(10, 'Shanghai')])).toEqual(['VELOCITY_MULTI_CITY']);
    expect(codes(txn(), holder, [minutesAgo(5, 'Shanghai'), minutesAgo(10, 'Shanghai')])).toEqual([]);
    expect(codes(txn(), holder, [minutesAgo(5, 'Beijing'), minutesAgo(31, 'Shenzhen')])).toEqual([]);
  });

  it('flags high-value card-not-present at the customer’s local night', () => {
    // 02:00 in Shanghai is 18:00 UTC the day before.
    const night = new Date('2026-11-22T18:00:00Z');
    expect(codes(txn({ at: night, cardNotPresent: true, amount: 300_000 }))).toEqual(['NIGHT_CARD_NOT_PRESENT']);
    expect(codes(txn({ at: night, cardNotPresent: false, amount: 300_000 }))).toEqual([]);
    expect(codes(txn({ at: night, cardNotPresent: true, amount: 100_000 }))).toEqual([]);
    // The same instant is 13:00 in New York: not night there.
    expect(codes(txn({ at: night, cardNotPresent: true, amount: 300_000 }), { ...holder, timezone: 'America/New_York' })).toEqual(
      [],
    );
  });

  it('night windows may wrap midnight', () => {
    const at = (iso: string) => new Date(iso);
    expect(isNight(at('2026-11-23T15:30:00Z'), 'Asia/Shanghai', '23:00', '05:00')).toBe(true); // 23:30
    expect(isNight(at('2026-11-23T20:59:00Z'), 'Asia/Shanghai', '23:00', '05:00')).toBe(true); // 04:59
    expect(isNight(at('2026-11-23T21:00:00Z'), 'Asia/Shanghai', '23:00', '05:00')).toBe(false); // 05:00
  });

  it('never flags a home purchase under every threshold, whatever the hour', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200_000 }),
        fc.boolean(),
        fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01') }),
        (amount, cnp, at) => {
          expect(codes(txn({ amount, cardNotPresent: cnp, at }))).toEqual([]);
        },
      ),
    );
  });
});
