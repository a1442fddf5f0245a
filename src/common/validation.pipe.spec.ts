import { depthExceeds, nulAt, validationPipe } from './validation.pipe';

const nested = (depth: number): unknown => (depth === 0 ? 'leaf' : { a: [nested(depth - 1)] });

describe('depthExceeds', () => {
  it('lets ordinary bodies through and stops deep ones', () => {
    expect(depthExceeds({ rule: { all: [{ field: 'x', op: 'eq', value: 1 }] } }, 64)).toBe(false);
    expect(depthExceeds(nested(31), 64)).toBe(false); // 62 levels: object and array each count
    expect(depthExceeds(nested(40), 64)).toBe(true);
  });

  it('measures 100,000 levels without recursion', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(depthExceeds(deep, 64)).toBe(true);
  });
});

describe('NUL characters', () => {
  it('finds the first string or key that holds one, by its path', () => {
    expect(nulAt({ name: 'ok', rule: { all: [{ value: 'a\0b' }] } })).toBe('rule.all.0.value');
    expect(nulAt({ ['k\0']: 1 })).toBe('k\0');
    expect(nulAt('x\0', 'name')).toBe('name');
    expect(nulAt({ name: 'fine', n: 3, list: ['a', null] })).toBeUndefined();
  });

  it('are refused in a body, a query or a path with 400 naming the field', async () => {
    const pipe = validationPipe();
    const transform = async (...args: Parameters<typeof pipe.transform>) => pipe.transform(...args);
    await expect(transform({ name: 'a\0' }, { type: 'body' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'name', reason: 'must not contain NUL characters' }],
    });
    await expect(transform('x\0', { type: 'param', data: 'id' })).rejects.toMatchObject({ details: [{ field: 'id' }] });
    await expect(transform({ q: '\0' }, { type: 'query' })).rejects.toMatchObject({ details: [{ field: 'q' }] });
  });
});
