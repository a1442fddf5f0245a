/** Month arithmetic of the partitioned history, in UTC (partitions start at 00:00 UTC on the 1st). */

/** The first instant of the UTC month `offset` months from the one holding `at`. */
export function monthStart(at: Date, offset = 0): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1));
}

/** The months whose partitions must exist at `now`: the current one and `ahead` after it. */
export function monthsToEnsure(now: Date, ahead: number): Date[] {
  return Array.from({ length: ahead + 1 }, (_, i) => monthStart(now, i));
}

export interface MonthPartition {
  partition: string;
  starts: Date;
  ends: Date;
}

/**
 * The partitions retention drops at `now` when `months` months are kept: those that end at or
 * before the start of the month `months` months back — the whole partition is older than the
 * window, so no row a reader of the window could see goes. Oldest first.
 */
export function partitionsToDrop(partitions: readonly MonthPartition[], now: Date, months: number): MonthPartition[] {
  const cutoff = monthStart(now, -months).getTime();
  return partitions.filter((p) => p.ends.getTime() <= cutoff).sort((a, b) => a.starts.getTime() - b.starts.getTime());
}
