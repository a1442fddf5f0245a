import { EnvReader } from '../config/env-reader';

/**
 * Consent evidence is what proves, years later, that a customer agreed to be contacted (or
 * withdrew): it is kept at least as long as a claim about a contact can be brought and as the
 * bank's record-keeping rules ask (China's Anti-Money Laundering Law art. 34 keeps customer
 * records five years after the relationship; a GDPR claim needs the proof as long as the
 * limitation period). Five years is the floor; a setting below it is refused at start-up.
 */
export const CONSENT_EVIDENCE_LEGAL_MINIMUM_MONTHS = 60;

/**
 * The shortest contact history Herald accepts: the caps count contacts over windows of up to a
 * few weeks (the rule packs' longest lookback), and a month is only dropped once all of it is
 * older than the retention — two months always cover any cap window.
 */
export const CONTACT_HISTORY_MINIMUM_MONTHS = 2;

/** The kinds of data retention drops by month, as history_drops.kind names them. */
export const HISTORY_KINDS = ['contact_history', 'inbound_messages', 'audit', 'sandbox', 'consent_evidence'] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

export interface HistoryConfig {
  /** Whether this instance creates months ahead and applies retention (at start and daily). */
  maintenanceEnabled: boolean;
  /** How many months of partitions exist ahead of the current one. */
  monthsAhead: number;
  /** Months each kind is kept; a month is dropped once all of it is older. */
  retentionMonths: Record<HistoryKind, number>;
}

export function readHistoryConfig(read: EnvReader): HistoryConfig {
  const consentEvidence = read.int('RETENTION_CONSENT_EVIDENCE_MONTHS', { default: 84, min: 1, max: 1200 });
  if (consentEvidence < CONSENT_EVIDENCE_LEGAL_MINIMUM_MONTHS) {
    read.reject(
      'RETENTION_CONSENT_EVIDENCE_MONTHS',
      `must be at least ${CONSENT_EVIDENCE_LEGAL_MINIMUM_MONTHS} months — the legal minimum for consent evidence (docs/privacy.md) — got ${consentEvidence}`,
    );
  }
  const contactHistory = read.int('RETENTION_CONTACT_HISTORY_MONTHS', { default: 24, min: 1, max: 1200 });
  if (contactHistory < CONTACT_HISTORY_MINIMUM_MONTHS) {
    read.reject(
      'RETENTION_CONTACT_HISTORY_MONTHS',
      `must be at least ${CONTACT_HISTORY_MINIMUM_MONTHS} months — the frequency caps count the contacts of the last weeks — got ${contactHistory}`,
    );
  }
  return {
    maintenanceEnabled: read.bool('HISTORY_MAINTENANCE_ENABLED', { default: true }),
    monthsAhead: read.int('HISTORY_MONTHS_AHEAD', { default: 3, min: 1, max: 24 }),
    retentionMonths: {
      contact_history: contactHistory,
      inbound_messages: read.int('RETENTION_INBOUND_MESSAGES_MONTHS', { default: 24, min: 1, max: 1200 }),
      audit: read.int('RETENTION_AUDIT_MONTHS', { default: 60, min: 1, max: 1200 }),
      sandbox: read.int('RETENTION_SANDBOX_MONTHS', { default: 3, min: 1, max: 1200 }),
      consent_evidence: consentEvidence,
    },
  };
}
