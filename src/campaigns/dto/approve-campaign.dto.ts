import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional } from 'class-validator';

export class ApproveCampaignDto {
  @ApiPropertyOptional({
    description:
      'The revision the approver read (the campaign’s `revision`): an edit made since answers 409 CAMPAIGN_CHANGED ' +
      'instead of approving what the approver has not seen',
    example: 3,
  })
  @IsOptional()
  // A console form posts it as text.
  @Type(() => Number)
  @IsInt({ message: 'revision must be a whole number' })
  revision?: number;
}
