import fc from 'fast-check';
import { canonicalJson, keyProblem, requestFingerprint, secondSight } from './idempotency.rules';

describe('idempotency rules', () => {
  it('takes visible ASCII keys of 1 to 255 characters, naming the header otherwise', () => {
    expect(keyProblem('6f1c2a7e-4c1b-4d7a-9a55-0b7a3c1d2e3f')).toBeUndefined();
    expect(keyProblem('x'.repeat(255))).toBeUndefined();
    for (const bad of ['', 'x'.repeat(256), 'has space', 'clé', 'tab\t']) {
      expect(keyProblem(bad)).toEqual({ field: 'Idempotency-Key', reason: 'must be 1 to 255 visible ASCII characters' });
    }
    expect(keyProblem(['a', 'b'])).toEqual({ field: 'Idempotency-Key', reason: 'is sent more than once' });
  });

  it('gives one text to bodies that differ only in key order, and keeps arrays in theirs', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (object) => {
        const reversed = Object.fromEntries(Object.entries(object).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(object));
        expect(JSON.parse(canonicalJson(object))).toEqual(JSON.parse(JSON.stringify(object)));
      }),
    );
  });

  it('tells requests apart by method, path and body', () => {
    const payment = { amount: 100, reference: 'R1' };
    const base = requestFingerprint('POST', '/payments', payment);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(requestFingerprint('post', '/payments', { reference: 'R1', amount: 100 })).toBe(base);
    expect(requestFingerprint('POST', '/payments', { ...payment, amount: 101 })).not.toBe(base);
    expect(requestFingerprint('POST', '/payments?x=1', payment)).not.toBe(base);
    expect(requestFingerprint('PUT', '/payments', payment)).not.toBe(base);
  });

  it('replays a finished first answer, refuses a running one and a different request', () => {
    const done = { requestHash: 'h', state: 'done' as const, responseStatus: 201, responseBody: { id: 1 } };
    expect(secondSight(done, 'h')).toEqual({ kind: 'replay', status: 201, body: { id: 1 } });
    expect(secondSight(done, 'other')).toEqual({ kind: 'mismatch' });
    const running = { requestHash: 'h', state: 'running' as const, responseStatus: null, responseBody: null };
    expect(secondSight(running, 'h')).toEqual({ kind: 'in_progress' });
    expect(secondSight(running, 'other')).toEqual({ kind: 'mismatch' });
  });

  it('fingerprints a file by its bytes: the same file is the same request, a byte more is another', () => {
    const file = Buffer.from('text/csv\nvalue\n+8613600136201\n');
    const same = requestFingerprint('POST', '/do-not-contact/import', Buffer.from(file));
    expect(requestFingerprint('POST', '/do-not-contact/import', file)).toBe(same);
    expect(requestFingerprint('POST', '/do-not-contact/import', Buffer.concat([file, Buffer.from('x')]))).not.toBe(same);
    expect(requestFingerprint('POST', '/customers/imports', file)).not.toBe(same);
  });
});
