import { DateTime } from 'luxon';
import { RiskLevel } from '../../customers/customer.entity';
import { FraudRuleSettings } from './fraud.config';

export type FraudReasonCode = 'AMOUNT_OVER_RISK_THRESHOLD' | 'FOREIGN_COUNTRY' | 'VELOCITY_MULTI_CITY' | 'NIGHT_CARD_NOT_PRESENT';

export interface FraudReason {
  code: FraudReasonCode;
  detail: Record<string, unknown>;
}

export interface TransactionFacts {
  amount: number;
  country: string;
  city: string | null;
  cardNotPresent: boolean;
  at: Date;
}

export interface CardholderFacts {
  riskLevel: RiskLevel;
  /** ISO 3166 alpha-2 of home. */
  country: string;
  timezone: string;
}

/** Each rule: a pure reading of the transaction, the cardholder and their recent transactions. */
export function amountRule(txn: TransactionFacts, holder: CardholderFacts, s: FraudRuleSettings): FraudReason | null {
  const threshold = s.amountThreshold[holder.riskLevel];
  return txn.amount > threshold
    ? { code: 'AMOUNT_OVER_RISK_THRESHOLD', detail: { riskLevel: holder.riskLevel, threshold } }
    : null;
}

export function countryRule(txn: TransactionFacts, holder: CardholderFacts): FraudReason | null {
  const country = txn.country.toUpperCase();
  return country !== holder.country.toUpperCase() ? { code: 'FOREIGN_COUNTRY', detail: { country, home: holder.country } } : null;
}

/** `recent` are the cardholder's earlier transactions; this one counts too. */
export function velocityRule(txn: TransactionFacts, recent: TransactionFacts[], s: FraudRuleSettings): FraudReason | null {
  const since = txn.at.getTime() - s.velocityMinutes * 60_000;
  const window = [txn, ...recent.filter((r) => r.at.getTime() >= since && r.at.getTime() <= txn.at.getTime())];
  const cities = new Set(window.map((r) => r.city?.trim().toLowerCase()).filter((c): c is string => !!c));
  return window.length >= s.velocityCount && cities.size >= 2
    ? { code: 'VELOCITY_MULTI_CITY', detail: { count: window.length, minutes: s.velocityMinutes, cities: cities.size } }
    : null;
}

/** Night in the cardholder's own zone: a window that may wrap midnight (23:00–05:00). */
export function isNight(at: Date, timezone: string, start: string, end: string): boolean {
  const local = DateTime.fromJSDate(at, { zone: timezone });
  const minutes = local.hour * 60 + local.minute;
  const [from, to] = [start, end].map((hhmm) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)));
  return from <= to ? minutes >= from && minutes < to : minutes >= from || minutes < to;
}

export function nightCardNotPresentRule(
  txn: TransactionFacts,
  holder: CardholderFacts,
  s: FraudRuleSettings,
): FraudReason | null {
  if (!txn.cardNotPresent || txn.amount <= s.nightCnpAmount || !isNight(txn.at, holder.timezone, s.nightStart, s.nightEnd))
    return null;
  return {
    code: 'NIGHT_CARD_NOT_PRESENT',
    detail: { localTime: DateTime.fromJSDate(txn.at, { zone: holder.timezone }).toFormat('HH:mm'), threshold: s.nightCnpAmount },
  };
}

/** Every rule that fires; an empty list clears the transaction. */
export function assessTransaction(
  txn: TransactionFacts,
  holder: CardholderFacts,
  recent: TransactionFacts[],
  settings: FraudRuleSettings,
): FraudReason[] {
  return [
    amountRule(txn, holder, settings),
    countryRule(txn, holder),
    velocityRule(txn, recent, settings),
    nightCardNotPresentRule(txn, holder, settings),
  ].filter((r): r is FraudReason => r !== null);
}
