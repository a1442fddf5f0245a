import { defineSchema, s } from '../../common/api-responses';
import { FRAUD_CASE_STATUSES } from './fraud-case.model';

/** Fraud cases and transactions as the API answers them (OpenAPI success schemas). */
export const FRAUD_REASON = s.object({ code: s.string(), detail: s.map() });

export const FRAUD_CASE = defineSchema(
  'FraudCase',
  s.object({
    id: s.uuid(),
    customerId: s.uuid(),
    transactionId: s.uuid(),
    reference: s.string(),
    status: s.oneOf(FRAUD_CASE_STATUSES),
    reasons: s.array(FRAUD_REASON),
    timeline: s.any(),
    openedAt: s.instant(),
    escalatedAt: s.nullable(s.instant()),
    answeredAt: s.nullable(s.instant()),
    transaction: s.object({
      reference: s.string(),
      amount: s.int(),
      currency: s.string(),
      merchant: s.nullable(s.string()),
      country: s.nullable(s.string()),
      at: s.string(),
    }),
  }),
);

export const FRAUD_STATS = defineSchema(
  'FraudStats',
  s.object({
    opened: s.int(),
    answered: s.int(),
    byStatus: s.map(s.int()),
    timeToAnswerP50Seconds: s.nullable(s.number()),
    timeToAnswerP90Seconds: s.nullable(s.number()),
  }),
);

export const TRANSACTION_DECISION = defineSchema(
  'TransactionDecision',
  s.object({
    transactionId: s.uuid(),
    decision: s.oneOf(['cleared', 'case_opened']),
    reasons: s.array(FRAUD_REASON),
    caseId: s.nullable(s.uuid()),
  }),
);

export const FRAUD_ANSWER = defineSchema(
  'FraudAnswer',
  s.object({ caseId: s.uuid(), status: s.oneOf(FRAUD_CASE_STATUSES), applied: s.boolean() }),
);

export const AGENT_TASK = defineSchema(
  'AgentTask',
  s.object({
    id: s.uuid(),
    customerId: s.uuid(),
    kind: s.string(),
    priority: s.int(),
    subjectRef: s.nullable(s.string()),
    status: s.oneOf(['open', 'done']),
    createdAt: s.instant(),
  }),
);
