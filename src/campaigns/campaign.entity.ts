import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { ContactChannel, ContactPurpose, StepCondition } from '../dispatch/contact-task.entity';
import { CampaignStatus } from './campaign-lifecycle';

// A plan's steps speak the outbox's vocabulary of conditions.
export { STEP_CONDITIONS, type StepCondition } from '../dispatch/contact-task.entity';

/**
 * What a campaign may be for. Not fraud: a fraud contact belongs to one fraud case (its per-event
 * cap counts the case's contacts) and passes the do-not-contact list and a customer's mute, which
 * no campaign may claim. Fraud messages come only from the fraud flow.
 */
export const CAMPAIGN_PURPOSES = ['collections', 'service', 'marketing'] as const satisfies readonly ContactPurpose[];
export type CampaignPurpose = (typeof CAMPAIGN_PURPOSES)[number];

/**
 * The message values a campaign gives its templates, nested as templates name them
 * (`{ link: { url } }`); an amount of money is `{ amount, currency }` in minor units.
 */
export type CampaignVariables = Record<string, Record<string, unknown>>;

/** One step of a channel plan; a later step waits `afterHours` after the previous one was sent. */
export interface PlanStep {
  channel: ContactChannel;
  template: string;
  afterHours?: number;
  when?: StepCondition;
}

@Entity('campaigns')
export class Campaign {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column()
  name: string;

  @Column({ default: '' })
  description: string;

  @Column({ type: 'text' })
  purpose: CampaignPurpose;

  @Column({ type: 'text', default: 'draft' })
  status: CampaignStatus;

  @Column({ type: 'uuid', nullable: true })
  segmentId: string | null;

  @Column({ type: 'text', array: true, nullable: true })
  audienceRefs: string[] | null;

  @Column({ type: 'jsonb' })
  plan: PlanStep[];

  /** The values its templates' message fields take (`link.url`, `offer.respondBy` …), checked against them. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  variables: CampaignVariables;

  /** `template/locale/channel` → version hash, fixed at launch. */
  @Column({ type: 'jsonb', nullable: true })
  pinnedVersions: Record<string, string> | null;

  @Column({ type: 'timestamptz' })
  startsAt: Date;

  @Column({ type: 'timestamptz' })
  endsAt: Date;

  @Column({ type: 'text', nullable: true })
  recurrenceCron: string | null;

  @Column({ type: 'text', nullable: true })
  recurrenceZone: string | null;

  @Column({ type: 'numeric', nullable: true, transformer: { to: (v) => v, from: (v) => (v === null ? null : Number(v)) } })
  sendRatePerSecond: number | null;

  @Column({ type: 'smallint', default: 0 })
  priority: number;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  launchedAt: Date | null;

  /** The second manager whose approval the campaign stands on; any edit clears it (see CampaignApprovals). */
  @Column({ type: 'uuid', nullable: true })
  approvedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  approvedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;

  /** Raised by every save: launch launches only the revision it checked (CampaignLauncher). */
  @VersionColumn({ type: 'integer' })
  revision: number;
}
