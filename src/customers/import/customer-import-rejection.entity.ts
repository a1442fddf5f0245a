import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One reason an import refused one row. */
@Entity('customer_import_rejections')
export class CustomerImportRejection {
  @PrimaryColumn('uuid')
  importId: string;

  /** 1-based position among the file's data rows. */
  @PrimaryColumn('int')
  rowNumber: number;

  @PrimaryColumn('text')
  field: string;

  @Column('text')
  reason: string;

  @Column({ type: 'text', nullable: true })
  externalRef: string | null;
}
