/**
 * A card transaction the fraud rules hold as suspicious (a large card-present purchase at a
 * luxury merchant), as the core system posts it to `POST /transactions`: the case it opens is
 * the start of most agent-desk and fraud journeys in the tests.
 */
export function suspiciousTransaction(reference: string, customerRef: string, at: string) {
  return {
    reference,
    customerRef,
    amount: 6_000_000,
    currency: 'CNY',
    merchant: 'Luxury Watches Ltd',
    country: 'CN',
    city: 'Shanghai',
    cardNotPresent: false,
    at,
  };
}
