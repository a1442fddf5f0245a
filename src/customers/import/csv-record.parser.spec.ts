import { stringify } from 'csv-stringify/sync';
import fc from 'fast-check';
import { CsvRecordParser, CsvSyntaxError } from './csv-record.parser';

/** Feeds text to a parser in pieces cut at the given offsets. */
function parseInPieces(text: string, cuts: number[]): string[][] {
  const parser = new CsvRecordParser();
  const records: string[][] = [];
  let from = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    records.push(...parser.push(text.slice(from, cut)));
    from = cut;
  }
  records.push(...parser.push(text.slice(from)), ...parser.end());
  return records;
}

describe('CsvRecordParser', () => {
  it('reads quoted fields with commas, escaped quotes and line breaks, LF or CRLF', () => {
    const text = 'a,b,c\r\n1,"x, ""y""",\n2,"line one\nline two","3"\n';
    expect(parseInPieces(text, [])).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, "y"', ''],
      ['2', 'line one\nline two', '3'],
    ]);
  });

  it('reads a last record without a line break and skips blank lines', () => {
    expect(parseInPieces('a,b\n\n1,2\r\n\r\n3,4', [])).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  it('refuses a quoted field that is never closed, and text after a closing quote', () => {
    expect(() => parseInPieces('a\n"open,1\n', [])).toThrow(new CsvSyntaxError(2, 'a quoted field is not closed'));
    expect(() => parseInPieces('a\n"x"y,1\n', [])).toThrow(CsvSyntaxError);
  });

  it('reads what csv-stringify writes, however the text is cut into chunks', () => {
    const cell = fc.oneof(
      fc.string(),
      fc.constantFrom('"', '""', ',', '\n', '\r\n', '\r', ' ', '王芳'),
      fc.string({ unit: 'grapheme' }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(400), { maxLength: 12 }),
        fc.boolean(),
        (records, cuts, crlf) => {
          // csv-stringify leaves a lone LF unquoted when records end in CRLF; RFC 4180 quotes every line break.
          const text = stringify(records, { record_delimiter: crlf ? 'windows' : 'unix', quoted_match: /[\r\n]/ });
          expect(parseInPieces(text, cuts)).toEqual(records);
        },
      ),
      { numRuns: 500 },
    );
  });
});
