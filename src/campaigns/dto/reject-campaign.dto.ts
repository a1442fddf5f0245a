import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';

export class RejectCampaignDto {
  @ApiProperty({
    description: 'Why, for the author to act on',
    example: 'The offer ends before the campaign does',
    maxLength: 500,
  })
  @IsString()
  @Matches(/\S/, { message: 'reason must say why' })
  @MaxLength(500)
  reason: string;
}
