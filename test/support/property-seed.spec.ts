import fc from 'fast-check';
import { FIXED_PROPERTY_SEED, propertySeed } from './property-seed';

describe('the property tests’ seed', () => {
  it('is the fixed one in a plain run, so that every run checks the same cases', () => {
    const expected = propertySeed(process.env.TEST_PROPERTY_SEED);
    expect(fc.readConfigureGlobal()?.seed).toBe(expected);
    if (process.env.TEST_PROPERTY_SEED === undefined) expect(expected).toBe(FIXED_PROPERTY_SEED);
  });

  it('reads TEST_PROPERTY_SEED: a whole number, "random", or nothing', () => {
    expect(propertySeed(undefined)).toBe(FIXED_PROPERTY_SEED);
    expect(propertySeed('')).toBe(FIXED_PROPERTY_SEED);
    expect(propertySeed('1993009221')).toBe(1993009221);
    expect(propertySeed('-42')).toBe(-42);
    expect(propertySeed('random')).toBeUndefined();
    expect(() => propertySeed('12abc')).toThrow('TEST_PROPERTY_SEED must be a whole number or "random", got "12abc"');
  });

  it('replays a property exactly: the same seed draws the same values', () => {
    const draw = (seed: number) => fc.sample(fc.integer(), { seed, numRuns: 5 });
    expect(draw(1993009221)).toEqual(draw(1993009221));
  });
});
