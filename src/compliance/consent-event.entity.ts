import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { Channel, ConsentValue } from './policy.types';

export const CONSENT_SCOPES = ['all', 'marketing'] as const;
export type ConsentScope = (typeof CONSENT_SCOPES)[number];
export const CONSENT_SOURCES = ['sms_keyword', 'agent', 'email_one_click', 'api', 'import', 'provider'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];
/**
 * The revocations a customer made themselves: a keyword, the unsubscribe link, a request an agent
 * recorded, the provider's 21610 (the handset's STOP). An import or an integration's call carries
 * someone else's decision, so it is no opt-out in the opt-out rate.
 */
export const CUSTOMER_REVOCATION_SOURCES = [
  'sms_keyword',
  'email_one_click',
  'agent',
  'provider',
] as const satisfies readonly ConsentSource[];

/** One entry of the append-only consent ledger: what the customer said, how we know, when. */
@Entity('consent_events')
export class ConsentEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column('uuid')
  customerId: string;

  @Column({ type: 'text' })
  channel: Channel;

  @Column({ type: 'text' })
  scope: ConsentScope;

  @Column({ type: 'text' })
  state: ConsentValue;

  @Column({ type: 'text' })
  source: ConsentSource;

  /** The message id, keyword, agent note or file the change came with. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  evidence: Record<string, unknown>;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'timestamptz' })
  at: Date;
}
