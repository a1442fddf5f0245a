import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports process times in clock ticks of 10 ms (USER_HZ). */
const MS_PER_TICK = 10;

/**
 * CPU time (user + system, ms) used so far by this process's descendants that are alive: the
 * embedded PostgreSQL server and its backends. Read from /proc, so it is 0 where there is none
 * (another OS, or a server on DATABASE_URL). On a shared machine CPU time, unlike elapsed time,
 * does not count the waits for a core, so it says where the work goes whatever the load.
 */
export function descendantsCpuMs(): number {
  const parents = new Map<number, number>();
  const ticks = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return 0;
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
  let total = 0;
  for (const [pid, cpu] of ticks) {
    for (let parent = parents.get(pid); parent !== undefined && parent > 1; parent = parents.get(parent)) {
      if (parent === process.pid) {
        total += cpu;
        break;
      }
    }
  }
  return total * MS_PER_TICK;
}
