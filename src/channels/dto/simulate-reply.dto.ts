import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { E164 } from '../../common/e164';

export class SimulateReplyDto {
  @ApiProperty({ example: '+8613800138000', description: "the customer's phone, E.164" })
  @Matches(E164, { message: 'must be a phone number in E.164' })
  from: string;

  @ApiPropertyOptional({ example: '+15005550006', description: "the number replied to; the sandbox's own by default" })
  @IsOptional()
  @Matches(E164, { message: 'must be a phone number in E.164' })
  to?: string;

  @ApiProperty({ example: 'N 4821' })
  @IsString()
  @Length(1, 1600)
  body: string;
}
