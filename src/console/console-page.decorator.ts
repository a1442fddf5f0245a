import { applyDecorators, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ConsoleSessionAuth } from '../auth/roles.decorator';
import { ConsoleErrorFilter } from './console-error.filter';

/**
 * A controller of console pages: session-cookie sign-in with CSRF checks (see AuthGuard), errors
 * as pages, and out of the API's OpenAPI document (ConsoleModule adds the security headers).
 */
export const ConsolePages = () => applyDecorators(ConsoleSessionAuth(), UseFilters(ConsoleErrorFilter), ApiExcludeController());
