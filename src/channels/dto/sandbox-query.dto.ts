import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { SANDBOX_CHANNELS, SandboxChannel } from '../sandbox/sandbox-message.entity';

export class SandboxQuery extends PageQuery {
  @ApiPropertyOptional({ enum: SANDBOX_CHANNELS })
  @IsOptional()
  @IsIn(SANDBOX_CHANNELS)
  channel?: SandboxChannel;

  @ApiPropertyOptional({ enum: ['outbound', 'inbound'] })
  @IsOptional()
  @IsIn(['outbound', 'inbound'])
  direction?: 'outbound' | 'inbound';

  @ApiPropertyOptional({ description: "only what was sent to this customer (Herald's id), newest first" })
  @IsOptional()
  @IsUUID()
  customerId?: string;

  @ApiPropertyOptional({ description: 'only what was sent for this contact attempt' })
  @IsOptional()
  @IsString()
  attemptId?: string;
}
