import { CustomerIdGenerator } from './customer-id.generator';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('CustomerIdGenerator', () => {
  it('makes UUIDv7 ids that carry the time they were made', () => {
    const before = Date.now();
    const id = new CustomerIdGenerator().next();
    const after = Date.now();

    expect(id).toMatch(UUID_V7);
    const millis = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    expect(millis).toBeGreaterThanOrEqual(before);
    expect(millis).toBeLessThanOrEqual(after);
  });

  it('makes strictly increasing ids, many in one millisecond and when the clock goes back', () => {
    const ids = new CustomerIdGenerator();
    const now = jest.spyOn(Date, 'now');
    try {
      const made: string[] = [];
      now.mockReturnValue(1_763_700_000_000);
      for (let i = 0; i < 5_000; i++) made.push(ids.next());
      now.mockReturnValue(1_763_699_999_000);
      for (let i = 0; i < 100; i++) made.push(ids.next());
      now.mockReturnValue(1_763_700_000_001);
      made.push(ids.next());

      for (const id of made) expect(id).toMatch(UUID_V7);
      expect([...made].sort()).toEqual(made);
      expect(new Set(made).size).toBe(made.length);
    } finally {
      now.mockRestore();
    }
  });
});
