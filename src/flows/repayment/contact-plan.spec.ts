import { CALL_HOURS, preferredCallHour, REMINDER_STEPS } from './contact-plan';

describe('the contact plan', () => {
  it('reminds 3 days before by SMS, 1 day before by e-mail, and calls on the day, each step once', () => {
    expect(REMINDER_STEPS.map((s) => [s.daysBeforeDue, s.channel])).toEqual([
      [3, 'sms'],
      [1, 'email'],
      [0, 'call'],
    ]);
    expect(new Set(REMINDER_STEPS.map((s) => s.step)).size).toBe(REMINDER_STEPS.length);
  });

  it('prefers the hour the customer answers most, within the hours calls are allowed', () => {
    expect(preferredCallHour({ 10: 2, 19: 4, 12: 3 })).toBe(19);
    expect(preferredCallHour({ 7: 9, 22: 9, 11: 2 })).toBe(11);
    expect(preferredCallHour({ [CALL_HOURS.last]: 2 })).toBe(CALL_HOURS.last);
  });

  it('needs more than one answered call in an hour before it calls that a preference', () => {
    expect(preferredCallHour({ 10: 1, 15: 1 })).toBeNull();
    expect(preferredCallHour({})).toBeNull();
  });

  it('takes the earlier hour on a tie', () => {
    expect(preferredCallHour({ 18: 3, 9: 3 })).toBe(9);
  });
});
