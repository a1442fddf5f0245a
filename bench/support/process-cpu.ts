import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports process times in clock ticks of 10 ms (USER_HZ). */
const MS_PER_TICK = 10;

/** CPU ticks so far of each live descendant of this process. */
type CpuSnapshot = Map<number, number>;

/**
 * The CPU used by this process's descendants: the embedded PostgreSQL server and its backends.
 * `const since = descendantsCpu(); … since()` gives the milliseconds (user + system) they used in
 * between. Read from /proc, so it is 0 where there is none (another OS, or a server on
 * DATABASE_URL). A process that ended in between is left out (its time is gone with it); one
 * that started counts from zero. Processes in `except` (a load generator of the benchmark's own,
 * say) are left out too. On a shared machine CPU time, unlike elapsed time, does not count the
 * waits for a core, so it says where the work goes whatever the load.
 */
export function descendantsCpu(except: readonly number[] = []): () => number {
  const before = snapshot(except);
  return () => {
    let ticks = 0;
    for (const [pid, now] of snapshot(except)) ticks += now - (before.get(pid) ?? 0);
    return ticks * MS_PER_TICK;
  };
}

function snapshot(except: readonly number[]): CpuSnapshot {
  const parents = new Map<number, number>();
  const ticks = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return ticks;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command name (which may hold spaces): state, ppid, …, utime (14th), stime (15th).
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ');
      parents.set(Number(entry), Number(fields[1]));
      ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
    } catch {
      // The process ended while we looked.
    }
  }
  const descendants: CpuSnapshot = new Map();
  for (const [pid, cpu] of ticks) {
    if (except.includes(pid)) continue;
    for (let parent = parents.get(pid); parent !== undefined && parent > 1; parent = parents.get(parent)) {
      if (parent === process.pid) {
        descendants.set(pid, cpu);
        break;
      }
    }
  }
  return descendants;
}
