import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { E164 } from '../../common/e164';
import { LOCALES } from '../../customers/customer.entity';

/** The console password: long rather than clever (NIST SP 800-63B); hashed with scrypt. */
export const PasswordField = () =>
  applyDecorators(
    ApiPropertyOptional({ description: 'console sign-in password, 10–200 characters', minLength: 10, maxLength: 200 }),
    IsOptional(),
    IsString(),
    Length(10, 200),
  );

export const AgentPhoneField = () =>
  applyDecorators(
    ApiPropertyOptional({ description: 'E.164; click-to-call rings it before bridging the customer', example: '+8613800000001' }),
    IsOptional(),
    Matches(E164, { message: 'must be a phone number in E.164' }),
  );

export const ConsoleLocaleField = () =>
  applyDecorators(ApiPropertyOptional({ enum: LOCALES, default: 'en' }), IsOptional(), IsIn(LOCALES));
