import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('audit_events')
export class AuditEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;

  @Column({ type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ type: 'text', nullable: true })
  actorRole: string | null;

  /** `controller.handler`, e.g. `users.create`. */
  @Column()
  action: string;

  @Column({ type: 'text', nullable: true })
  target: string | null;

  /** The HTTP status the request ended with: refusals are evidence too. */
  @Column('int')
  status: number;

  /** The error code the request ended with (`NOT_YOUR_CUSTOMER`, …); null when it succeeded. */
  @Column({ type: 'text', nullable: true })
  code: string | null;

  @Column()
  correlationId: string;
}
