import { jobDateProblem } from './job-date.rules';

describe('the date a job is run for', () => {
  const now = new Date('2026-03-10T15:00:00Z');

  it('may be any day within a week of today', () => {
    for (const date of ['2026-03-03', '2026-03-10', '2026-03-17']) expect(jobDateProblem(date, now)).toBeUndefined();
  });

  it('says why another is refused', () => {
    expect(jobDateProblem('2026-03-18', now)).toBe('must be within 7 days of today (2026-03-10)');
    expect(jobDateProblem('2025-03-10', now)).toBe('must be within 7 days of today (2026-03-10)');
    expect(jobDateProblem('2026-02-30', now)).toBe('must be a date, YYYY-MM-DD');
    expect(jobDateProblem('10/03/2026', now)).toBe('must be a date, YYYY-MM-DD');
  });
});
