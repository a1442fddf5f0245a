/**
 * A client's view of Herald, typed from the OpenAPI document alone (`herald-api.d.ts`, generated
 * by openapi-typescript from the document the contract test saved): if the document stops
 * describing these requests and answers, this stops compiling (.ci/run).
 */
import type { components, paths } from './herald-api';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type ErrorBody = components['schemas']['ErrorBodySchema'];

type PaymentRequest = Json<NonNullable<paths['/payments']['post']['requestBody']>>;
type PaymentRefused = Json<paths['/payments']['post']['responses']['400']>;
type SubscriptionRequest = Json<NonNullable<paths['/event-subscriptions']['post']['requestBody']>>;
type CampaignConflict = Json<paths['/campaigns/{id}/launch']['post']['responses']['409']>;
type IdempotencyKey = NonNullable<NonNullable<paths['/payments']['post']['parameters']['header']>['Idempotency-Key']>;

export const payment: PaymentRequest = {
  externalRef: 'C-1001',
  amount: 12_345,
  currency: 'CNY',
  paidAt: '2026-11-23T01:00:00Z',
  reference: 'PAY-1',
};
export const key: IdempotencyKey = '6f1c2a7e-4c1b-4d7a-9a55-0b7a3c1d2e3f';
export const subscription: SubscriptionRequest = {
  name: 'collections',
  url: 'https://collections.bank.example/herald-events',
  eventTypes: ['payment.recorded', 'promise_to_pay.broken'],
  secret: 'a-secret-of-at-least-16',
};

/** Every refusal reads the same way, whichever operation gave it. */
export function reasons(error: PaymentRefused | CampaignConflict | ErrorBody): string[] {
  return (error.error.details ?? []).map((d) => `${d.field}: ${d.reason}`);
}

type PaymentRecorded = Json<paths['/payments']['post']['responses']['201']>;
type CampaignCreated = Json<paths['/campaigns']['post']['responses']['201']>;
type CustomerPage = Json<paths['/customers']['get']['responses']['200']>;
type NextTask = Json<paths['/agent-tasks/next']['post']['responses']['200']>;

/** What a success says, typed from its declared schema: a field the answer lacks would not compile. */
export function booked(answer: PaymentRecorded): string {
  return answer.duplicate ? `already booked as ${answer.paymentId}` : `${answer.paidThisCycle} paid this cycle`;
}
export function launchable(campaign: CampaignCreated): boolean {
  return campaign.status === 'draft' && campaign.plan.every((step) => step.template.length > 0);
}
export function refs(page: CustomerPage): { refs: string[]; next?: string } {
  return { refs: page.items.map((customer) => customer.externalRef), next: page.next };
}
export function taskId(next: NextTask): string | null {
  return next.task === null ? null : next.task.id;
}
