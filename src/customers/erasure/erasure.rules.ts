import { createHmac } from 'node:crypto';

/** What identifies a customer in free text and history: the values an erasure hunts down. */
export interface PersonalFields {
  externalRef: string;
  fullName: string;
  phone: string | null;
  email: string | null;
}

/**
 * Every form a customer's personal values take in Herald's records, longest first (so a phone is
 * replaced whole before its national digits): the name, the reference, the e-mail as given and
 * lower-cased, the phone in E.164, without its `+`, and without China's country code.
 */
export function personalValues(customer: PersonalFields): string[] {
  const values = [customer.fullName, customer.externalRef];
  if (customer.email) values.push(customer.email, customer.email.toLowerCase());
  if (customer.phone) {
    values.push(customer.phone, customer.phone.slice(1));
    if (customer.phone.startsWith('+86')) values.push(customer.phone.slice(3));
  }
  // A value of one character would redact unrelated text; names are at least two.
  return [...new Set(values.filter((v) => v.length >= 2))].sort((a, b) => b.length - a.length);
}

/**
 * A keyed hash in place of a personal value: the same value always gives the same token, so
 * evidence can still be matched by someone who holds the value and the key — and by no one else.
 */
export function keyedHash(key: string, value: string): string {
  return `erased:${createHmac('sha256', key).update(value).digest('hex').slice(0, 32)}`;
}
