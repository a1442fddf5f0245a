import { attemptIdAt } from './attempt-id';

describe('attempt ids', () => {
  it('are UUIDv7 carrying the instant they are made for, to the millisecond', () => {
    const at = new Date('2026-06-15T10:00:00.123Z');
    const id = attemptIdAt(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at.getTime());
  });

  it('differ for the same instant', () => {
    const at = new Date();
    expect(attemptIdAt(at)).not.toBe(attemptIdAt(at));
  });
});
