import { UrgentGate } from './urgent-gate';

describe('UrgentGate', () => {
  it('lets bulk work through at once when no urgent batch runs', async () => {
    const gate = new UrgentGate();
    await expect(gate.clear()).resolves.toBeUndefined();
  });

  it('holds bulk work while urgent batches run, and releases it when the last one ends', async () => {
    const gate = new UrgentGate();
    gate.enter();
    gate.enter();
    let released = false;
    const held = gate.clear().then(() => (released = true));
    gate.leave();
    await new Promise((resolve) => setImmediate(resolve));
    expect(released).toBe(false);
    gate.leave();
    await held;
    expect(released).toBe(true);
  });

  it('never goes below zero: an extra leave does not hold later work', async () => {
    const gate = new UrgentGate();
    gate.leave();
    gate.enter();
    gate.leave();
    await expect(gate.clear()).resolves.toBeUndefined();
  });

  it('holds bulk work at most a quarter of a second, so a stream of urgent work cannot starve it', async () => {
    jest.useFakeTimers();
    try {
      const gate = new UrgentGate();
      gate.enter();
      let released = false;
      const held = gate.clear().then(() => (released = true));
      await jest.advanceTimersByTimeAsync(249);
      expect(released).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await held;
      expect(released).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});
