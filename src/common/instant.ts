import { Transform } from 'class-transformer';
import { ValidateBy, ValidationOptions } from 'class-validator';
import { DateTime } from 'luxon';

/** An instant, unambiguous: a date, a time and its UTC offset (`Z` or ±hh:mm). */
const INSTANT = /^[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export const INSTANT_EXAMPLE = '2026-03-10T09:30:00-04:00';

/** The instant an ISO 8601 text names, or undefined when it names none (no offset, no such date). */
export function parseInstant(value: unknown): Date | undefined {
  if (typeof value !== 'string' || !INSTANT.test(value)) return undefined;
  const parsed = DateTime.fromISO(value, { setZone: true });
  return parsed.isValid ? parsed.toJSDate() : undefined;
}

/**
 * An ISO 8601 instant with its offset, e.g. `2026-03-10T09:30:00-04:00` or `…T13:30:00Z`. In a
 * query string an unencoded `+` arrives as a space: `…T21:30:00 08:00` is read as `+08:00`.
 */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  const read = Transform(({ value }) => (typeof value === 'string' ? value.replace(/ (\d{2}:\d{2})$/, '+$1') : value));
  const check = ValidateBy(
    { name: 'isInstant', validator: { validate: (value) => parseInstant(value) !== undefined } },
    { message: `must be an ISO 8601 instant with a UTC offset, e.g. ${INSTANT_EXAMPLE}`, ...options },
  );
  return (target, key) => {
    read(target, key);
    check(target, key);
  };
}
