import { ContactChannel, ContactPurpose } from './contact-task.entity';

/** As the contact_attempts status CHECK lists them; `attempt_status_rank` orders them. */
export type AttemptStatus =
  | 'pending'
  | 'queued'
  | 'sent'
  | 'delivered'
  | 'undelivered'
  | 'failed'
  | 'unknown'
  | 'ringing'
  | 'in_progress'
  | 'completed'
  | 'busy'
  | 'no_answer'
  | 'canceled';

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
  /** Where it went (E.164 or an address): how the provider's own records are searched when it is `unknown`. */
  recipient: string;
  /** SHA-256 of an SMS body, to tell this message from others to the same number. */
  contentHash: string | null;
  attemptedAt: Date;
}
