import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FieldType, Operator, OPERATORS } from '../segment-field.catalogue';

/** One field a segment rule may use, and how. */
export class SegmentFieldDto {
  @ApiProperty({ example: 'daysUntilDue' })
  name: string;

  @ApiProperty({ enum: ['string', 'enum', 'integer', 'money', 'date', 'timestamp', 'boolean', 'tags', 'json'] })
  type: FieldType;

  @ApiProperty({ enum: OPERATORS, isArray: true })
  operators: readonly Operator[];

  @ApiPropertyOptional({ type: [String], description: 'the allowed values of an enum' })
  values?: readonly string[];

  @ApiProperty({ description: 'the field may be empty; every comparison on an empty field is false' })
  nullable: boolean;

  @ApiProperty()
  description: string;
}
