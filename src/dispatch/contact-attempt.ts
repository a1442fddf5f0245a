import { ContactChannel, ContactPurpose } from './contact-task.entity';

export const ATTEMPT_STATUSES = [
  'pending',
  'queued',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  'unknown',
  'ringing',
  'in_progress',
  'completed',
  'busy',
  'no_answer',
  'canceled',
] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

/** A contact as it went out: what the log shows and what the caps count. */
export interface AttemptRecord {
  id: string;
  customerId: string;
  taskId: string | null;
  campaignId: string | null;
  subjectRef: string | null;
  purpose: ContactPurpose;
  channel: ContactChannel;
  provider: string;
  templateKey: string | null;
  templateVersion: string | null;
  attemptedAt: Date;
}
