import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsString,
  IsUrl,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { EVENT_TYPES, EventType } from '../event-types';

export class CreateEventSubscriptionDto {
  @ApiProperty({
    description: 'A name of your choosing, unique',
    example: 'collections-platform',
    pattern: '^[a-z0-9][a-z0-9._-]{0,62}$',
  })
  @Matches(/^[a-z0-9][a-z0-9._-]{0,62}$/, { message: 'must be lower-case letters, digits, ".", "_" or "-" (at most 63)' })
  name: string;

  @ApiProperty({
    description: 'Where the events are POSTed (http or https)',
    example: 'https://collections.bank.example/herald-events',
  })
  @IsString()
  @MaxLength(2000)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  url: string;

  @ApiProperty({
    enum: EVENT_TYPES,
    isArray: true,
    example: ['payment.recorded', 'promise_to_pay.made', 'promise_to_pay.broken'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(EVENT_TYPES, { each: true })
  eventTypes: EventType[];

  @ApiProperty({
    description: 'The HMAC key the deliveries are signed with (16–200 characters); never shown again',
    minLength: 16,
  })
  @IsString()
  @Length(16, 200)
  secret: string;
}
