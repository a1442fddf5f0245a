import { CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/mobile';

export type PhoneCheck = { e164: string } | { reason: string };

/**
 * A phone number as written by people or core systems, in E.164. A number without a country
 * code is read in the customer's own country (`13812345678` in CN is `+8613812345678`).
 * The profile's phone is the one Herald texts and calls, so it must be a mobile number; the
 * mobile metadata checks exactly that, digit patterns included (the default set checks lengths).
 */
export function normalisePhone(raw: string, country: string): PhoneCheck {
  const region = isSupportedCountry(country) ? (country as CountryCode) : undefined;
  const parsed = parsePhoneNumberFromString(raw, region);
  if (parsed?.isValid()) return { e164: parsed.number };
  return {
    reason: region ? `is not a valid mobile number (read in ${region} unless it starts with +)` : 'is not a valid mobile number',
  };
}
