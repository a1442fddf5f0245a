import { defineSchema, s } from '../../common/api-responses';
import { FRAUD_ANSWER } from '../fraud/fraud.schemas';
import { PROMISE_TAKEN } from '../repayment/repayment.schemas';

const AT = s.instant();

/** The outcomes part of a customer's profile (CustomerOutcomesService.profile), as the API answers it. */
export const OUTCOME_PROFILE = defineSchema(
  'OutcomeProfile',
  s.object({
    customerId: s.uuid(),
    lastContact: s.nullable(
      s.object({ at: AT, channel: s.nullable(s.string()), purpose: s.nullable(s.string()), outcome: s.nullable(s.string()) }),
    ),
    lastOutcomes: s.any(),
    lastDisposition: s.nullable(s.object({ code: s.string(), at: s.nullable(AT) })),
    promiseToPay: s.nullable(s.object({ on: s.date(), amount: s.number(), status: s.nullable(s.string()) })),
    marketingMuteUntil: s.nullable(AT),
    verification: s.nullable(s.object({ result: s.string(), at: s.nullable(AT) })),
    lastWorkOrder: s.nullable(s.object({ outcome: s.string(), at: s.nullable(AT) })),
    answersByHour: s.map(s.int()),
    preferredCallHour: s.nullable(s.int()),
  }),
);

export const DISPOSITION_RECORDED = defineSchema(
  'DispositionRecorded',
  s.object(
    {
      id: s.uuid(),
      customerId: s.uuid(),
      code: s.string(),
      marketingMuteUntil: s.nullable(s.string()),
      promise: s.refOrNull(PROMISE_TAKEN),
      conversation: s.nullable(
        s.object({ attemptId: s.uuid(), callAt: s.instant(), recordedOn: s.oneOf(['call_attempt', 'agent_record']) }),
      ),
    },
    { fraudCase: s.ref(FRAUD_ANSWER) },
  ),
);
