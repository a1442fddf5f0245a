import { depthExceeds } from './validation.pipe';

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
