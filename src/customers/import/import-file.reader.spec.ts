import fc from 'fast-check';
import { ImportFileReader, ImportRecord } from './import-file.reader';

async function readAll(
  format: 'csv' | 'ndjson',
  chunks: (string | Buffer)[],
): Promise<{ records: ImportRecord[]; bytes: number }> {
  const reader = new ImportFileReader(format);
  const records: ImportRecord[] = [];
  for await (const batch of reader.read(chunks)) records.push(...batch);
  return { records, bytes: reader.bytesRead };
}

/** The bytes of `text` cut at the given byte offsets, which may fall inside a character. */
function cutBytes(text: string, cuts: number[]): Buffer[] {
  const bytes = Buffer.from(text);
  const offsets = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  return [...offsets, bytes.length].map((end, i) => bytes.subarray(i === 0 ? 0 : offsets[i - 1], end));
}

describe('ImportFileReader', () => {
  it('maps CSV columns to profile fields, any case, after a byte-order mark', async () => {
    const { records, bytes } = await readAll('csv', ['\uFEFFExternal_Ref, full_name ,consent_sms\nC-1,王芳,granted\n']);
    expect(records).toEqual([{ row: 1, values: { externalRef: 'C-1', fullName: '王芳', consentSms: 'granted' }, problems: [] }]);
    expect(bytes).toBe(Buffer.byteLength('\uFEFFExternal_Ref, full_name ,consent_sms\nC-1,王芳,granted\n'));
  });

  it('reports a row with the wrong number of fields by its row number', async () => {
    const { records } = await readAll('csv', ['external_ref,full_name\nC-1,Li\nC-2\nC-3,Wang,extra\n']);
    expect(records.map((r) => [r.row, r.problems])).toEqual([
      [1, []],
      [2, [{ field: 'row', reason: 'has 1 fields; the header has 2' }]],
      [3, [{ field: 'row', reason: 'has 3 fields; the header has 2' }]],
    ]);
  });

  it('refuses a header with unknown, repeated or missing columns, naming each', async () => {
    await expect(readAll('csv', ['external_ref,phone,phone,shoe\n'])).rejects.toMatchObject({
      code: 'IMPORT_BAD_HEADER',
      details: [
        { field: 'phone', reason: 'appears twice in the header' },
        { field: 'shoe', reason: 'is not a known column' },
        { field: 'full_name', reason: 'is a required column' },
      ],
    });
    await expect(readAll('csv', [''])).rejects.toMatchObject({ code: 'IMPORT_BAD_HEADER' });
  });

  it('reports broken quoting as a malformed file', async () => {
    await expect(readAll('csv', ['external_ref,full_name\n"C-1,Li\n'])).rejects.toMatchObject({ code: 'IMPORT_MALFORMED_FILE' });
  });

  it('reads the same rows however the bytes arrive, characters split between chunks included', async () => {
    const csv = 'external_ref,full_name,city\nC-1,王芳,"上海,浦东"\nC-2,"李""伟""",北京\nC-3,Zoë,\n';
    const ndjson = '{"external_ref":"C-1","full_name":"王芳"}\n\n{"external_ref":"C-2","full_name":"李伟","tags":["高价值"]}';
    const expectedCsv = (await readAll('csv', [csv])).records;
    const expectedNdjson = (await readAll('ndjson', [ndjson])).records;
    expect(expectedCsv.map((r) => r.values.fullName)).toEqual(['王芳', '李"伟"', 'Zoë']);
    expect(expectedNdjson.map((r) => r.values.tags)).toEqual([undefined, ['高价值']]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { maxLength: 10 }), async (cuts) => {
        expect((await readAll('csv', cutBytes(csv, cuts))).records).toEqual(expectedCsv);
        expect((await readAll('ndjson', cutBytes(ndjson, cuts))).records).toEqual(expectedNdjson);
      }),
    );
  });

  it('keeps NDJSON types and reports unknown keys, bad JSON and non-objects per row', async () => {
    const { records } = await readAll('ndjson', ['{"external_ref":"N-1","credit_limit":500000,"shoe":42}\nnot json\n[1]\n']);
    expect(records).toEqual([
      {
        row: 1,
        values: { externalRef: 'N-1', creditLimit: 500000 },
        problems: [{ field: 'shoe', reason: 'is not a known column' }],
      },
      { row: 2, values: {}, problems: [{ field: 'row', reason: 'is not valid JSON' }] },
      { row: 3, values: {}, problems: [{ field: 'row', reason: 'must be a JSON object' }] },
    ]);
  });
});
