import fc from 'fast-check';
import { GSM7_PART, GSM7_SINGLE, UCS2_PART, UCS2_SINGLE, measureSms } from './sms-segment.calculator';

const GSM_BASIC = [
  ...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
];
const GSM_EXTENSION = [...'\f^{}\\[~]|€'];
const basicText = fc.array(fc.constantFrom(...GSM_BASIC), { maxLength: 700 }).map((chars) => chars.join(''));
const gsmText = fc
  .array(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...GSM_BASIC) }, fc.constantFrom(...GSM_EXTENSION)), { maxLength: 700 })
  .map((chars) => chars.join(''));
const chinese = fc.integer({ min: 0x4e00, max: 0x9fff }).map((code) => String.fromCharCode(code));
const bmpUnicodeText = fc
  .tuple(fc.array(fc.oneof(fc.constantFrom(...GSM_BASIC), chinese), { maxLength: 400 }), chinese, fc.nat())
  .map(([chars, extra, at]) => {
    chars.splice(at % (chars.length + 1), 0, extra);
    return chars.join('');
  });

/** Septets as GSM counts them: extension characters take an escape and themselves. */
const septets = (text: string) => [...text].reduce((sum, c) => sum + (GSM_EXTENSION.includes(c) ? 2 : 1), 0);

describe('measureSms', () => {
  it('sends text of the GSM alphabet as GSM-7: 160 in one part, else parts of 153', () => {
    fc.assert(
      fc.property(basicText, (text) => {
        const measure = measureSms(text);
        expect(measure.encoding).toBe('GSM-7');
        expect(measure.characters).toBe(text.length);
        expect(measure.segments).toBe(text.length <= GSM7_SINGLE ? 1 : Math.ceil(text.length / GSM7_PART));
      }),
    );
  });

  it('counts extension characters twice and never splits one across parts', () => {
    fc.assert(
      fc.property(gsmText, (text) => {
        const measure = measureSms(text);
        const total = septets(text);
        expect(measure.encoding).toBe('GSM-7');
        if (total <= GSM7_SINGLE) expect(measure.segments).toBe(1);
        else {
          // Splitting wastes at most one septet per part, when an escape pair would straddle it.
          expect(measure.segments).toBeGreaterThanOrEqual(Math.ceil(total / GSM7_PART));
          expect(measure.segments).toBeLessThanOrEqual(Math.ceil(total / (GSM7_PART - 1)));
        }
      }),
    );
    expect(measureSms('€'.repeat(80)).segments).toBe(1);
    expect(measureSms('€'.repeat(81)).segments).toBe(2);
    // 306 septets would fit two parts, but the escape pair cannot take the first part's last septet.
    expect(measureSms(`${'a'.repeat(152)}€${'a'.repeat(152)}`).segments).toBe(3);
  });

  it('sends anything outside the GSM alphabet as UCS-2: 70 in one part, else parts of 67', () => {
    fc.assert(
      fc.property(bmpUnicodeText, (text) => {
        const measure = measureSms(text);
        expect(measure.encoding).toBe('UCS-2');
        expect(measure.characters).toBe(text.length);
        expect(measure.segments).toBe(text.length <= UCS2_SINGLE ? 1 : Math.ceil(text.length / UCS2_PART));
      }),
    );
    expect(measureSms('回复TD退订').encoding).toBe('UCS-2');
    expect(measureSms('Price: 5 €').encoding).toBe('GSM-7');
    expect(measureSms('Price — 5').encoding).toBe('UCS-2');
  });

  it('keeps surrogate pairs (emoji) whole: one character, two units, never split', () => {
    expect(measureSms('😀'.repeat(35))).toEqual({ encoding: 'UCS-2', characters: 35, segments: 1 });
    // 36 emoji are 72 units: parts of 67 hold 33 whole emoji each.
    expect(measureSms('😀'.repeat(36))).toEqual({ encoding: 'UCS-2', characters: 36, segments: 2 });
    expect(measureSms(`${'a'.repeat(66)}😀${'a'.repeat(66)}😀`).segments).toBe(3);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        expect(measureSms(text).characters).toBe([...text].length);
      }),
    );
  });

  it('never needs fewer parts for a longer message', () => {
    fc.assert(
      fc.property(
        fc.oneof(gsmText, bmpUnicodeText),
        fc.oneof(fc.constantFrom(...GSM_BASIC, ...GSM_EXTENSION), chinese),
        (text, more) => {
          const before = measureSms(text);
          const after = measureSms(text + more);
          if (before.encoding === after.encoding) expect(after.segments).toBeGreaterThanOrEqual(before.segments);
          expect(after.characters).toBe(before.characters + 1);
        },
      ),
    );
  });
});
