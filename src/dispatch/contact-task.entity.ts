import type { Channel as ContactChannel, Purpose as ContactPurpose } from '../compliance/policy.types';
import { TemplateChannel } from '../templates/template.model';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

// One vocabulary of purposes and channels: the contact policy's.
export { CHANNELS, PURPOSES } from '../compliance/policy.types';
export type { Channel as ContactChannel, Purpose as ContactPurpose } from '../compliance/policy.types';

/** The template variant a contact channel speaks with: a call is an IVR (voice) script. */
export const TEMPLATE_CHANNEL = { sms: 'sms', email: 'email', call: 'voice' } as const satisfies Record<
  ContactChannel,
  TemplateChannel
>;

/** When a campaign's later step runs, judged of the previous step when the task is claimed. */
export const STEP_CONDITIONS = ['always', 'not_delivered', 'no_reply', 'no_reply_and_not_delivered'] as const;
export type StepCondition = (typeof STEP_CONDITIONS)[number];

/** As the contact_tasks status CHECK lists them. */
export const TASK_STATUSES = [
  'pending',
  'claimed',
  'sending',
  'sent',
  'failed',
  'suppressed',
  'expired',
  'cancelled',
  'skipped',
  'unknown',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Urgent work first: a fraud alert never waits behind a promotion. */
export const PURPOSE_PRIORITY: Record<ContactPurpose, number> = { fraud: 300, collections: 200, service: 100, marketing: 0 };

export interface TaskReason {
  code: string;
  message?: string;
  [detail: string]: unknown;
}

/** A contact Herald means to make: a row of the outbox the dispatcher drains. */
@Entity('contact_tasks')
export class ContactTask {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid')
  customerId: string;

  @Column({ type: 'uuid', nullable: true })
  campaignId: string | null;

  @Column({ type: 'uuid', nullable: true })
  runId: string | null;

  @Column({ type: 'smallint', default: 0 })
  step: number;

  @Column({ type: 'text', nullable: true })
  subjectRef: string | null;

  @Column({ type: 'text' })
  purpose: ContactPurpose;

  @Column({ type: 'text' })
  channel: ContactChannel;

  @Column()
  templateKey: string;

  @Column({ type: 'text', nullable: true })
  templateVersion: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  variables: Record<string, unknown>;

  @Column('smallint')
  priority: number;

  @Column({ type: 'text', default: 'pending' })
  status: TaskStatus;

  @Column({ type: 'timestamptz' })
  dueAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  leaseUntil: Date | null;

  @Column({ type: 'text', nullable: true })
  claimedBy: string | null;

  @Column({ type: 'smallint', default: 0 })
  attempts: number;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  reasons: TaskReason[];

  /** A follow-up step runs only if this holds of the previous step's outcome. */
  @Column({ type: 'text', nullable: true })
  condition: StepCondition | null;

  @Column({ type: 'uuid', nullable: true })
  previousTaskId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
