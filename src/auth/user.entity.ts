import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Locale } from '../customers/customer.entity';
import { Role } from './role';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column()
  username: string;

  @Column()
  displayName: string;

  @Column({ type: 'text' })
  role: Role;

  @Column({ default: false })
  disabled: boolean;

  /** Console sign-in; never leaves the database (see password.hasher). */
  @Column({ type: 'text', nullable: true, select: false })
  passwordHash?: string | null;

  /** Where click-to-call rings the agent before bridging the customer. */
  @Column({ type: 'text', nullable: true })
  phone: string | null;

  @Column({ type: 'text', default: 'en' })
  locale: Locale;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
