import { randomUUID } from 'node:crypto';

/**
 * An attempt's id: a UUIDv7 (RFC 9562) whose instant is `at`, the moment its send was prepared,
 * with random bits after it. The id then says which months of the partitioned history the
 * attempt can be in (attempt_since / attempt_until, migration 1765031000000), so a look-up by
 * id reads one or two months, not every month kept.
 */
export function attemptIdAt(at: Date): string {
  const time = at.getTime().toString(16).padStart(12, '0');
  // randomUUID(): xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx; from its 16th character on, random bits and the variant.
  return `${time.slice(0, 8)}-${time.slice(8)}-7${randomUUID().slice(15)}`;
}
