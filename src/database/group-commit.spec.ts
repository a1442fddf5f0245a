import { GroupCommit } from './group-commit';

/** A write that records its batches and finishes when told to. */
function controlledWrite() {
  const batches: number[][] = [];
  const finish: (() => void)[] = [];
  let writing = 0;
  let mostAtOnce = 0;
  const write = (items: number[]) => {
    batches.push(items);
    writing++;
    mostAtOnce = Math.max(mostAtOnce, writing);
    return new Promise<string[]>((resolve, reject) => {
      finish.push(() => {
        writing--;
        if (items.includes(13)) reject(new Error('unlucky'));
        else resolve(items.map((i) => `done ${i}`));
      });
    });
  };
  return { write, batches, finish, mostAtOnce: () => mostAtOnce };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('writes a lone item at once, and what arrives meanwhile together in the next batch, in order', async () => {
    const w = controlledWrite();
    const group = new GroupCommit(w.write, { maxBatch: 10, concurrent: 1 });
    const first = group.submit(1);
    expect(w.batches).toEqual([[1]]);
    const later = [2, 3, 4].map((i) => group.submit(i));
    expect(w.batches).toHaveLength(1);
    w.finish.shift()!();
    expect(await first).toBe('done 1');
    await settled();
    expect(w.batches).toEqual([[1], [2, 3, 4]]);
    w.finish.shift()!();
    expect(await Promise.all(later)).toEqual(['done 2', 'done 3', 'done 4']);
  });

  it('keeps to the batch size and to the number of writes at once', async () => {
    const w = controlledWrite();
    const group = new GroupCommit(w.write, { maxBatch: 2, concurrent: 2 });
    const all = Array.from({ length: 7 }, (_, i) => group.submit(i));
    expect(w.batches).toEqual([[0], [1]]);
    while (w.finish.length) {
      w.finish.shift()!();
      await settled();
    }
    expect(await Promise.all(all)).toEqual(Array.from({ length: 7 }, (_, i) => `done ${i}`));
    expect(w.batches).toEqual([[0], [1], [2, 3], [4, 5], [6]]);
    expect(w.mostAtOnce()).toBe(2);
  });

  it('retries a failed batch an item at a time, so only the bad item fails', async () => {
    const w = controlledWrite();
    const group = new GroupCommit(w.write, { maxBatch: 10, concurrent: 1 });
    const first = group.submit(1);
    const results = [12, 13, 14].map((i) => group.submit(i).catch((error: Error) => error.message));
    while (w.finish.length || w.batches.length < 5) {
      w.finish.shift()?.();
      await settled();
    }
    await first;
    expect(await Promise.all(results)).toEqual(['done 12', 'unlucky', 'done 14']);
    expect(w.batches).toEqual([[1], [12, 13, 14], [12], [13], [14]]);
  });
});
