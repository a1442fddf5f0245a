import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A named audience: a rule over the customer book, evaluated whenever it is used. */
@Entity('segments')
export class Segment {
  @ApiProperty({ format: 'uuid' })
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @ApiProperty({ example: 'Overdue 1–30 days, medium or high risk' })
  @Column()
  name: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @Column({ type: 'text', nullable: true })
  description: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the segment rule (see docs/segments.md)' })
  @Column({ type: 'jsonb' })
  rule: Record<string, unknown>;

  @ApiProperty({ format: 'uuid', description: 'the user who created it' })
  @Column({ type: 'uuid' })
  ownerId: string;

  @ApiProperty()
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @ApiProperty()
  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
