import { asOf } from './as-of.rules';

describe('what a decision at an instant reads', () => {
  const now = new Date('2026-03-10T15:00:00Z');

  it('reads a past instant’s history as it stood then', () => {
    const at = new Date('2026-03-04T15:00:00Z');
    expect(asOf(at, now)).toEqual({ at, history: 'as_it_stood', historyUpTo: at, profile: 'as_it_stands_now' });
  });

  it('reads now and the future with the history as it stands now', () => {
    expect(asOf(now, now)).toMatchObject({ history: 'as_it_stands_now', historyUpTo: now });
    const later = new Date('2026-03-12T13:00:00Z');
    expect(asOf(later, now)).toEqual({ at: later, history: 'as_it_stands_now', historyUpTo: now, profile: 'as_it_stands_now' });
  });
});
