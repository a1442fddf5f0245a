import { SendPool } from './send-pool';

describe('SendPool', () => {
  const gate = () => {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return { open, opened };
  };

  it('runs at most its size at once, and work marked first before work already waiting', async () => {
    const pool = new SendPool(2);
    const started: string[] = [];
    const gates = new Map<string, ReturnType<typeof gate>>();
    const job = (name: string, first = false) => {
      gates.set(name, gate());
      return pool.run(async () => {
        started.push(name);
        await gates.get(name)!.opened;
        return name;
      }, first);
    };
    const done = [job('a'), job('b'), job('c'), job('d'), job('retry', true)];
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
    const failed = pool.run(() => Promise.reject(new Error('boom')), false);
    const next = pool.run(async () => 'next', false);
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });
});
