import fc from 'fast-check';
import { DateTime } from 'luxon';
import { formatDate, formatMoney, maskCard, maskPhone, spellDigits, truncate } from './template.helpers';

describe('formatMoney', () => {
  it('shows minor units in the locale and currency', () => {
    expect(formatMoney(123450, 'CNY', 'zh-CN')).toBe('¥1,234.50');
    expect(formatMoney(123450, 'USD', 'en')).toBe('$1,234.50');
    expect(formatMoney(123450, 'GBP', 'en')).toBe('£1,234.50');
    expect(formatMoney(5, 'CNY', 'zh-CN')).toBe('¥0.05');
    expect(formatMoney(0, 'USD', 'en')).toBe('$0.00');
    expect(formatMoney(-2500, 'USD', 'en')).toBe('-$25.00');
  });

  it('knows currencies without minor units', () => {
    expect(formatMoney(1235, 'JPY', 'en')).toBe('¥1,235');
  });

  it('never loses or invents a digit, whatever the amount', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 ** 13 }),
        fc.constantFrom('CNY', 'USD', 'GBP', 'HKD', 'SGD', 'AUD'),
        (minor, currency) => {
          for (const locale of ['zh-CN', 'en'] as const) {
            const shown = formatMoney(minor, currency, locale);
            expect(shown.replace(/\D/g, '').replace(/^0+/, '')).toBe(String(minor).replace(/^0+/, ''));
            expect(shown).not.toMatch(/[\u00a0\u202f]/);
          }
        },
      ),
    );
  });
});

describe('formatDate', () => {
  it('shows a calendar date as that day, whatever the zone', () => {
    for (const zone of ['Pacific/Kiritimati', 'Asia/Shanghai', 'America/Los_Angeles', 'Pacific/Pago_Pago']) {
      expect(formatDate('2025-12-05', 'date', 'en', zone)).toBe('Dec 5, 2025');
      expect(formatDate('2025-12-05', 'date', 'zh-CN', zone)).toBe('2025年12月5日');
    }
    expect(formatDate('2025-12-05', 'shortDate', 'en', 'UTC')).toBe('Dec 5');
  });

  it('shows an instant in the customer’s zone, on both sides of a DST change', () => {
    // New York springs forward at 2025-03-09 07:00Z: 01:59 EST is followed by 03:00 EDT.
    expect(formatDate(new Date('2025-03-09T06:59:00Z'), 'time', 'en', 'America/New_York')).toBe('1:59 AM');
    expect(formatDate(new Date('2025-03-09T07:00:00Z'), 'time', 'en', 'America/New_York')).toBe('3:00 AM');
    // ... and falls back at 2025-11-02 06:00Z: 01:30 happens twice, an hour apart.
    expect(formatDate(new Date('2025-11-02T05:30:00Z'), 'time', 'en', 'America/New_York')).toBe('1:30 AM');
    expect(formatDate(new Date('2025-11-02T06:30:00Z'), 'time', 'en', 'America/New_York')).toBe('1:30 AM');
    // London at the end of March: the same UTC instant is a different local day than in Shanghai.
    expect(formatDate('2025-03-30T23:30:00Z', 'datetime', 'en', 'Europe/London')).toBe('Mar 31, 12:30 AM');
    expect(formatDate('2025-03-30T23:30:00Z', 'datetime', 'zh-CN', 'Asia/Shanghai')).toBe('3月31日 07:30');
    expect(formatDate('2025-03-29T23:30:00Z', 'datetime', 'en', 'Europe/London')).toBe('Mar 29, 11:30 PM');
  });

  it('agrees with luxon on the local day and time of any instant in DST zones', () => {
    const zones = ['America/New_York', 'Europe/London', 'Australia/Sydney', 'America/Los_Angeles', 'Asia/Shanghai'];
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom(...zones),
        (instant, zone) => {
          const local = DateTime.fromJSDate(instant, { zone });
          expect(formatDate(instant, 'date', 'en', zone)).toBe(local.toFormat('LLL d, yyyy', { locale: 'en' }));
          expect(formatDate(instant, 'time', 'en', zone)).toBe(local.toFormat('h:mm a', { locale: 'en' }));
          expect(formatDate(instant, 'date', 'zh-CN', zone)).toBe(local.toFormat('yyyy年M月d日'));
          expect(formatDate(instant, 'time', 'zh-CN', zone)).toBe(local.toFormat('HH:mm'));
        },
      ),
    );
  });

  it('refuses a zone that is not IANA with a stable code', () => {
    expect(() => formatDate(new Date(), 'time', 'en', 'Mars/Olympus')).toThrow(
      expect.objectContaining({ code: 'TEMPLATE_VARIABLE_INVALID' }),
    );
  });
});

describe('masks and text helpers', () => {
  it('masks a card to its last four digits', () => {
    expect(maskCard('4821')).toBe('**** 4821');
  });

  it('masks a phone number to its country code, operator prefix and last four digits', () => {
    expect(maskPhone('+8613812345678')).toBe('+86 138****5678');
    expect(maskPhone('+12125550142')).toBe('+1 212***0142');
    expect(maskPhone('+6581234567')).toBe('+65 ****4567');
    expect(maskPhone('12345')).toBe('*2345');
  });

  it('spells digits one by one for speech', () => {
    expect(spellDigits('4821')).toBe('4 8 2 1');
  });

  it('truncates to a number of characters, never splitting one', () => {
    expect(truncate('AMAZON MKTPLACE', 20)).toBe('AMAZON MKTPLACE');
    expect(truncate('AMAZON MKTPLACE PMTS SEATTLE', 12)).toBe('AMAZON MK...');
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.integer({ min: 4, max: 40 }), (text, max) => {
        const cut = truncate(text, max);
        const characters = [...text];
        if (characters.length <= max) expect(cut).toBe(text);
        else {
          expect([...cut]).toHaveLength(max);
          expect(text.startsWith(cut.slice(0, -3))).toBe(true);
          expect(cut.endsWith('...')).toBe(true);
        }
      }),
    );
  });
});
