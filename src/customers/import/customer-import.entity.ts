import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { FieldProblem } from '../../common/domain-error';
import { ImportFormat } from './import-file.format';

export const IMPORT_MODES = ['partial', 'all_or_nothing'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];
export type ImportStatus = 'queued' | 'running' | 'succeeded' | 'failed';
/** Where `rowsTotal` comes from: the caller's word, extrapolated from the body's size, or counted at the end. */
export type RowsTotalBasis = 'declared' | 'estimated' | 'counted' | 'unknown';

/** bigint byte counts; node-postgres returns them as strings. */
const count = { to: (v?: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

/** A bulk import of customers: a job whose progress can be read while it runs. */
@Entity('customer_imports')
export class CustomerImport {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  format: ImportFormat;

  @Column({ type: 'text' })
  mode: ImportMode;

  @Column({ type: 'text', default: 'queued' })
  status: ImportStatus;

  @Column({ type: 'int', default: 0 })
  rowsDone: number;

  @Column({ type: 'int', default: 0 })
  rowsInserted: number;

  @Column({ type: 'int', default: 0 })
  rowsUpdated: number;

  @Column({ type: 'int', default: 0 })
  rejectedCount: number;

  @Column({ type: 'int', nullable: true })
  rowsTotal: number | null;

  @Column({ type: 'text', default: 'unknown' })
  rowsTotalBasis: RowsTotalBasis;

  @Column({ type: 'bigint', default: 0, transformer: count })
  bytesDone: number;

  @Column({ type: 'bigint', nullable: true, transformer: count })
  bytesTotal: number | null;

  @Column({ type: 'text', nullable: true })
  errorCode: string | null;

  @Column({ type: 'text', nullable: true })
  errorMessage: string | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  errorDetails: FieldProblem[];

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  @Column({ type: 'timestamptz' })
  heartbeatAt: Date;
}
