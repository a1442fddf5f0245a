import { parseInstant } from './instant';

describe('an instant in ISO 8601', () => {
  it('needs its offset, and a date that exists', () => {
    expect(parseInstant('2026-03-10T09:30:00-04:00')?.toISOString()).toBe('2026-03-10T13:30:00.000Z');
    expect(parseInstant('2026-03-10T13:30Z')?.toISOString()).toBe('2026-03-10T13:30:00.000Z');
    expect(parseInstant('2026-03-10T13:30:00.123456Z')?.toISOString()).toBe('2026-03-10T13:30:00.123Z');
    for (const bad of [
      '2026-03-10T09:30:00',
      '2026-03-10',
      '2026-02-30T09:00:00Z',
      '2026-03-10 09:30:00Z',
      'now',
      '',
      42,
      null,
    ]) {
      expect(parseInstant(bad)).toBeUndefined();
    }
  });
});
