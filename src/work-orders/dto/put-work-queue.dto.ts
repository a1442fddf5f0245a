import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsEmail, IsIn, IsUUID, Matches, ValidateIf } from 'class-validator';

export class PutWorkQueueDto {
  @ApiProperty({ format: 'uuid', nullable: true, description: 'Told when an order of the queue breaches its SLA' })
  @ValidateIf((dto: PutWorkQueueDto) => dto.supervisorId !== null)
  @IsUUID()
  supervisorId: string | null;

  @ApiProperty({ type: [String], description: "The queue's staff: told of new orders, and they take its orders" })
  @IsArray()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  memberIds: string[];
}

export class PutNotificationSettingDto {
  @ApiProperty({ enum: ['email', 'sms', 'console'] })
  @IsIn(['email', 'sms', 'console'])
  channel: 'email' | 'sms' | 'console';

  @ApiPropertyOptional({ description: 'Required with email' })
  @ValidateIf((dto: PutNotificationSettingDto) => dto.channel === 'email' || dto.email !== undefined)
  @IsEmail()
  email?: string;

  @ApiPropertyOptional({ description: 'E.164; required with sms', example: '+8613800000001' })
  @ValidateIf((dto: PutNotificationSettingDto) => dto.channel === 'sms' || dto.phone !== undefined)
  @Matches(/^\+[1-9]\d{6,14}$/, { message: 'phone must be E.164, e.g. +8613800000001' })
  phone?: string;
}
