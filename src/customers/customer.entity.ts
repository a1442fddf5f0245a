import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const CARD_STATUSES = ['active', 'not_activated', 'on_hold', 'blocked'] as const;
export type CardStatus = (typeof CARD_STATUSES)[number];
export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** A local time-of-day range, `HH:mm`–`HH:mm`; `days` (ISO 1 = Monday … 7) limits it to some weekdays. */
export interface LocalWindow {
  start: string;
  end: string;
  days?: number[];
}

/** bigint columns carry money in minor units; node-postgres returns them as strings. */
const minorUnits = { to: (v?: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

/**
 * A card-centre customer. Money is in integer minor units of `currency`, phones in E.164, the
 * time zone an IANA name. The last block is written back by outcomes of contacts.
 */
@Entity('customers')
export class Customer {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The core system's reference for this customer. */
  @Column()
  externalRef: string;

  @Column()
  fullName: string;

  @Column({ type: 'text', nullable: true })
  phone: string | null;

  @Column({ type: 'text', nullable: true })
  email: string | null;

  @Column({ type: 'text', default: 'zh-CN' })
  locale: Locale;

  @Column({ default: 'Asia/Shanghai' })
  timezone: string;

  /** ISO 3166 alpha-2; selects the rule pack. */
  @Column({ type: 'char', length: 2, default: 'CN' })
  country: string;

  @Column({ type: 'text', nullable: true })
  city: string | null;

  @Column({ type: 'char', length: 4, nullable: true })
  cardLast4: string | null;

  @Column({ type: 'text', default: 'active' })
  cardStatus: CardStatus;

  @Column({ type: 'char', length: 3, default: 'CNY' })
  currency: string;

  @Column({ type: 'bigint', default: 0, transformer: minorUnits })
  creditLimit: number;

  @Column({ type: 'bigint', default: 0, transformer: minorUnits })
  statementBalance: number;

  @Column({ type: 'bigint', default: 0, transformer: minorUnits })
  minimumDue: number;

  @Column({ type: 'bigint', default: 0, transformer: minorUnits })
  paidThisCycle: number;

  /** Calendar dates as `YYYY-MM-DD`, meant in the customer's own time zone. */
  @Column({ type: 'date', nullable: true })
  statementDate: string | null;

  @Column({ type: 'date', nullable: true })
  dueDate: string | null;

  @Column({ type: 'int', default: 0 })
  daysPastDue: number;

  @Column({ type: 'text', default: 'low' })
  riskLevel: RiskLevel;

  @Column({ type: 'int', nullable: true })
  creditScore: number | null;

  @Column({ type: 'date', nullable: true })
  cardIssuedOn: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastCardActivityAt: Date | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: string[];

  @Column({ type: 'jsonb', default: () => "'{}'" })
  attributes: Record<string, unknown>;

  /** When the customer prefers to be contacted; narrows quiet hours, never widens them. */
  @Column({ type: 'jsonb', nullable: true })
  contactWindow: LocalWindow | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  inconvenientTimes: LocalWindow[];

  /** No contact but fraud alerts until then. */
  @Column({ type: 'timestamptz', nullable: true })
  muteUntil: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  marketingMuteUntil: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastContactAt: Date | null;

  @Column({ type: 'text', nullable: true })
  lastContactChannel: string | null;

  @Column({ type: 'text', nullable: true })
  lastContactPurpose: string | null;

  @Column({ type: 'text', nullable: true })
  lastContactOutcome: string | null;

  /** Contacts so far per channel, e.g. `{ "sms": 3, "call": 1 }`. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  contactCounts: Record<string, number>;

  @Column({ type: 'timestamptz', nullable: true })
  lastRightPartyContactAt: Date | null;

  @Column({ type: 'date', nullable: true })
  promiseToPayOn: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: minorUnits })
  promiseToPayAmount: number | null;

  @Column({ type: 'text', nullable: true })
  lastVerificationResult: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastVerificationAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
