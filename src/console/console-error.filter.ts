import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { Request, Response } from 'express';
import { FieldProblem } from '../common/domain-error';
import { describeError } from '../common/http-exception.filter';
import { Locale } from '../customers/customer.entity';
import { ConsoleViews } from './console-views';
import { sayProblems } from './form-problems.rules';
import { CONSOLE_MESSAGES } from './i18n/catalogue';
import { localeFromAcceptLanguage, translate } from './i18n/messages';

/** What a person reads for the errors they can do something about; the code stays for support. */
const EXPLAINED: Record<string, string> = {
  CSRF_TOKEN_INVALID: 'error.csrf',
  FORBIDDEN_FOR_ROLE: 'error.403',
  ENDPOINT_NOT_OPEN: 'error.403',
  NOT_FOUND: 'error.404',
  NOT_YOUR_TASK: 'error.notYourTask',
  DISPOSITION_IDENTITY_UNVERIFIED: 'agent.error.identityUnverified',
  DISPOSITION_CASE_SETTLED: 'agent.error.caseSettled',
  CAMPAIGN_APPROVAL_REQUIRED: 'launch.error.approvalRequired',
  CAMPAIGN_APPROVER_IS_AUTHOR: 'launch.error.approverIsAuthor',
  CAMPAIGN_NOT_DRAFT: 'launch.error.notDraft',
  CAMPAIGN_CHANGED: 'launch.error.changed',
  CAMPAIGN_TEST_SEEDS_MISSING: 'launch.error.noSeeds',
};

/** What a status means to the person who met it, when the code has no sentence of its own. */
const BY_STATUS: Record<number, string> = {
  400: 'error.400',
  403: 'error.403',
  404: 'error.404',
  409: 'error.409',
  422: 'error.422',
  429: 'error.429',
};

/** The console page the person came from (a way back that works without script); only one of ours. */
export function sameSiteReferrer(request: Request): string | undefined {
  const referrer = request.headers.referer;
  if (!referrer) return undefined;
  try {
    const url = new URL(referrer);
    return url.host === request.headers.host && url.pathname.startsWith('/console') ? `${url.pathname}${url.search}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Errors on console pages as pages: not signed in → the sign-in page (then back here); anything
 * else → the status, a sentence in the person's language and the fields at fault.
 */
@Catch()
export class ConsoleErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Console');

  constructor(private readonly views: ConsoleViews) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    const [status, error] = describeError(exception);
    if (request.audit) request.audit.code = error.code;
    if (error.code === 'SIGN_IN_REQUIRED') {
      const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.originalUrl)}` : '?expired=1';
      response.redirect(303, `/console/sign-in${next}`);
      return;
    }
    if (status >= 500) this.logger.error({ err: exception, correlationId: request.id }, 'console page failed');
    const session = request.consoleSession;
    const locale: Locale = session?.locale ?? localeFromAcceptLanguage(request.headers['accept-language']);
    // Never the API's sentence (written for programs): the code's own words, or the status's.
    const explained = EXPLAINED[error.code] ?? BY_STATUS[status] ?? (status >= 500 ? 'error.500' : 'error.400');
    const data = {
      status,
      code: error.code,
      message: translate(CONSOLE_MESSAGES, locale, explained),
      details: sayProblems((error.details ?? []) as FieldProblem[], locale),
      title: translate(CONSOLE_MESSAGES, locale, 'error.title'),
      back: sameSiteReferrer(request),
    };
    const html = session ? this.views.page(session, 'error', data) : this.views.render('error', { ...data, locale });
    response.status(status).type('html').send(html);
  }
}
