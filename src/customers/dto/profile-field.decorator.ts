import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';
import { Allow } from 'class-validator';

/**
 * A profile field of a request body: documented here, accepted by the whitelist, and checked by
 * `validateCustomerRow` / `validateCustomerChanges` — the rules the import applies too — so
 * they are written once rather than once per path.
 */
export const ProfileField = (options: ApiPropertyOptions) => applyDecorators(Allow(), ApiProperty(options));
