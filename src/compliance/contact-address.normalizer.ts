import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { DoNotContactKind } from './do-not-contact-entry.entity';

export type NormalisedAddress = { kind: DoNotContactKind; value: string } | { reason: string };

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * A phone number or e-mail address as written, in the form customers' profiles hold it: E.164
 * (a number without a country code is read as mainland China's), or the address in lower case.
 * Landlines count: the list is about calls too.
 */
export function normaliseAddress(raw: string): NormalisedAddress {
  const text = raw.trim();
  if (text.includes('@')) {
    const email = text.toLowerCase();
    return EMAIL.test(email) ? { kind: 'email', value: email } : { reason: 'is not an e-mail address' };
  }
  const phone = parsePhoneNumberFromString(text, 'CN');
  return phone?.isValid()
    ? { kind: 'phone', value: phone.number }
    : { reason: 'is neither a valid phone number nor an e-mail address' };
}
