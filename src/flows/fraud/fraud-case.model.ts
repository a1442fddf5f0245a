import { FraudReason } from './fraud.rules';

export const FRAUD_CASE_STATUSES = [
  'open',
  'confirmed_genuine',
  'confirmed_fraud',
  'escalated_ivr',
  'escalated_agent',
  'closed',
] as const;
export type FraudCaseStatus = (typeof FRAUD_CASE_STATUSES)[number];
/** A customer can still answer these (a late SMS reply after the IVR call counts). */
export const ANSWERABLE: FraudCaseStatus[] = ['open', 'escalated_ivr', 'escalated_agent'];

export type VerificationAnswer = 'yes' | 'no';
export type AnswerChannel = 'sms' | 'ivr' | 'agent';

export interface TimelineEntry {
  at: string;
  event: string;
  [detail: string]: unknown;
}

export interface FraudCaseView {
  id: string;
  customerId: string;
  transactionId: string;
  reference: string;
  status: FraudCaseStatus;
  reasons: FraudReason[];
  timeline: TimelineEntry[];
  openedAt: Date;
  escalatedAt: Date | null;
  answeredAt: Date | null;
  transaction: {
    reference: string;
    amount: number;
    currency: string;
    merchant: string;
    country: string;
    city: string | null;
    cardNotPresent: boolean;
    at: Date;
  };
}

/** What the verification templates call `txn`. */
export interface TxnVariables {
  amount: number;
  currency: string;
  merchant: string;
  at: string;
  reference: string;
}
