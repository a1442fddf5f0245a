import { defineSchema, s } from '../../common/api-responses';

/** Payments and promises to pay as the API answers them (OpenAPI success schemas). */
export const PAYMENT_RECORDED = defineSchema(
  'PaymentRecorded',
  s.object({
    paymentId: s.uuid(),
    customerId: s.uuid(),
    duplicate: s.boolean(),
    paidThisCycle: s.int(),
    minimumDue: s.int(),
    minimumCovered: s.boolean(),
    cancelledTasks: s.int(),
    cancelledAgentTasks: s.int(),
    promiseStatus: s.nullable(s.string()),
  }),
);

export const PAYMENT_RETURNED = defineSchema(
  'PaymentReturned',
  s.object({
    paymentId: s.uuid(),
    customerId: s.uuid(),
    duplicate: s.boolean(),
    returnedAt: s.instant(),
    paidThisCycle: s.int(),
  }),
);

export const PROMISE_TAKEN = defineSchema(
  'PromiseTaken',
  s.object({
    customerId: s.uuid(),
    promisedOn: s.date(),
    amount: s.int(),
    status: s.oneOf(['open']),
    holdUntil: s.date(),
    deferredTasks: s.int(),
  }),
);
