import { SendPool, SendRank } from './send-pool';

describe('SendPool', () => {
  const gate = () => {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return { open, opened };
  };

  it('keeps a sixteenth of its senders for urgent work: bulk work never takes them, urgent work starts at once', async () => {
    const pool = new SendPool(32);
    const holding = gate();
    const started: string[] = [];
    const hold = (name: string, rank: SendRank) =>
      pool.run(async () => {
        started.push(name);
        await holding.opened;
      }, rank);
    const bulk = Array.from({ length: 40 }, (_, i) => hold(`bulk-${i}`, i % 2 ? 'retry' : 'fresh'));
    await Promise.resolve();
    expect(started).toHaveLength(30);
    const urgent = [hold('urgent-1', 'urgent'), hold('urgent-2', 'urgent'), hold('urgent-3', 'urgent')];
    await Promise.resolve();
    // Two senders kept, both taken by urgent work; the third urgent send waits first in line.
    expect(started.slice(30)).toEqual(['urgent-1', 'urgent-2']);
    holding.open();
    await Promise.all([...bulk, ...urgent]);
    expect(started[32]).toBe('urgent-3');
    expect(started).toHaveLength(43);
  });

  it('runs at most its size at once, and retries before fresh work already waiting', async () => {
    const pool = new SendPool(2);
    const started: string[] = [];
    const gates = new Map<string, ReturnType<typeof gate>>();
    const job = (name: string, rank: SendRank = 'fresh') => {
      gates.set(name, gate());
      return pool.run(async () => {
        started.push(name);
        await gates.get(name)!.opened;
        return name;
      }, rank);
    };
    const done = [job('a'), job('b'), job('c'), job('d'), job('retry', 'retry')];
    await Promise.resolve();
    expect(started).toEqual(['a', 'b']);

    gates.get('a')!.open();
    await done[0];
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['a', 'b', 'retry']);

    for (const name of ['b', 'retry', 'c', 'd']) {
      gates.get(name)!.open();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await expect(Promise.all(done)).resolves.toEqual(['a', 'b', 'c', 'd', 'retry']);
    expect(started).toEqual(['a', 'b', 'retry', 'c', 'd']);
  });

  it('frees a sender when work fails, and passes the failure on', async () => {
    const pool = new SendPool(1);
    const failed = pool.run(() => Promise.reject(new Error('boom')), 'fresh');
    const next = pool.run(async () => 'next', 'fresh');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });
});
