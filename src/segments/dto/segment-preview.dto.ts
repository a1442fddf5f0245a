import { ApiProperty } from '@nestjs/swagger';
import { CardStatus, RiskLevel } from '../../customers/customer.entity';

export class SampleCustomerDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  externalRef: string;

  @ApiProperty({ example: '王*', description: 'masked' })
  name: string;

  @ApiProperty({ type: String, nullable: true, example: '+86138****5678', description: 'masked' })
  phone: string | null;

  @ApiProperty()
  riskLevel: RiskLevel;

  @ApiProperty()
  cardStatus: CardStatus;

  @ApiProperty()
  daysPastDue: number;
}

export class RiskBreakdownDto {
  @ApiProperty()
  low: number;

  @ApiProperty()
  medium: number;

  @ApiProperty()
  high: number;
}

/** A segment as it stands now: computed in PostgreSQL on every request, never cached. */
export class SegmentPreviewDto {
  @ApiProperty({ description: 'customers in the segment' })
  count: number;

  @ApiProperty({ type: RiskBreakdownDto })
  byRiskLevel: RiskBreakdownDto;

  @ApiProperty({ type: [SampleCustomerDto], description: `up to 10 customers, personal data masked` })
  sample: SampleCustomerDto[];

  @ApiProperty({ description: 'the instant derived fields (daysUntilDue …) were computed at' })
  at: Date;
}
