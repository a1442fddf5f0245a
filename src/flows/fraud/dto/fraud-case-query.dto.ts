import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import { PageQuery } from '../../../common/pagination';
import { FRAUD_CASE_STATUSES, FraudCaseStatus } from '../fraud-case.model';

export class FraudCaseQuery extends PageQuery {
  @ApiPropertyOptional({ enum: FRAUD_CASE_STATUSES })
  @IsOptional()
  @IsIn(FRAUD_CASE_STATUSES)
  status?: FraudCaseStatus;
}

export class FraudStatsQuery {
  @ApiPropertyOptional({ description: 'Cases opened at or after (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Cases opened before (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class AgentTaskQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['open', 'done'], default: 'open' })
  @IsOptional()
  @IsIn(['open', 'done'])
  status: 'open' | 'done' = 'open';
}
