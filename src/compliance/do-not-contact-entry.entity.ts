import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const DO_NOT_CONTACT_KINDS = ['phone', 'email'] as const;
export type DoNotContactKind = (typeof DO_NOT_CONTACT_KINDS)[number];

/** A phone number or e-mail address nobody may contact but for fraud alerts. */
@Entity('do_not_contact')
export class DoNotContactEntry {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  kind: DoNotContactKind;

  /** E.164, or a lower-cased e-mail address. */
  @Column()
  value: string;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'uuid', nullable: true })
  addedBy: string | null;

  @Column({ type: 'timestamptz' })
  addedAt: Date;

  @Column({ type: 'uuid', nullable: true })
  removedBy: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  removedAt: Date | null;
}
