import { randomBytes } from 'node:crypto';
import { Body, Controller, Get, HttpStatus, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { Request, Response } from 'express';
import { ConsoleSessions, readCookie, sameToken, sessionCookieName } from '../../auth/console-sessions';
import { Public, Roles } from '../../auth/roles.decorator';
import { Role } from '../../auth/role';
import { SignInRateGuard } from '../../auth/sign-in-rate.guard';
import { SignInService } from '../../auth/sign-in.service';
import { UsersService } from '../../auth/users.service';
import { AppConfig } from '../../config/app-config';
import { LOCALES, Locale } from '../../customers/customer.entity';
import { ConsolePages } from '../console-page.decorator';
import { ConsoleViews, homeFor } from '../console-views';
import { localeFromAcceptLanguage } from '../i18n/messages';
import { CONSOLE_PAGE, LocaleForm, SignInForm } from './sign-in.form';

const SIGN_IN_COOKIE = 'herald_sign_in';
/** Everyone who may sign in: people, not integrations. */
const PEOPLE: Role[] = ['admin', 'campaign_manager', 'agent', 'ops'];

/** Signing in and out, and the language a person reads the console in. */
@ConsolePages()
@Controller('console')
export class SignInController {
  constructor(
    private readonly sessions: ConsoleSessions,
    private readonly views: ConsoleViews,
    private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly signIns: SignInService,
  ) {}

  @Get()
  @Roles(...PEOPLE)
  home(@Req() request: Request, @Res() response: Response) {
    response.redirect(303, homeFor(request.consoleSession!.role));
  }

  @Get('sign-in')
  @Public()
  signInPage(
    @Req() request: Request,
    @Res() response: Response,
    @Query('next') next?: string,
    @Query('lang') lang?: string,
    @Query('expired') expired?: string,
  ) {
    this.showSignIn(request, response, { next, lang, expired: expired === '1' });
  }

  /**
   * Audited whatever the outcome, naming the account only when the name is a real one's (its
   * user id) — never what was typed, which may be a password. Throttled (SignInService): a locked
   * account answers like a wrong password; a locked address gets 429 and Retry-After.
   */
  @Post('sign-in')
  @Public()
  @UseGuards(SignInRateGuard)
  async signIn(@Req() request: Request, @Res() response: Response, @Body() form: SignInForm) {
    request.audit = { action: 'console.signIn' };
    const expected = readCookie(request.headers.cookie, SIGN_IN_COOKIE);
    if (!expected || !sameToken(form._csrf, expected)) {
      request.audit.code = 'SIGN_IN_FORM_INVALID';
      response.status(HttpStatus.UNAUTHORIZED);
      this.showSignIn(request, response, { next: form.next, failed: true, username: form.username });
      return;
    }
    const attempt = await this.signIns.attempt(form.username, form.password, request.ip ?? '');
    if (attempt.outcome !== 'signed_in') {
      request.audit.target = attempt.accountId;
      if (attempt.outcome === 'locked' && attempt.scope === 'address') {
        request.audit.code = 'SIGN_IN_ADDRESS_LOCKED';
        response.status(HttpStatus.TOO_MANY_REQUESTS).setHeader('Retry-After', String(attempt.retryAfterSeconds));
        this.showSignIn(request, response, {
          next: form.next,
          tooMany: Math.ceil(attempt.retryAfterSeconds / 60),
          username: form.username,
        });
        return;
      }
      request.audit.code = attempt.outcome === 'locked' ? 'SIGN_IN_ACCOUNT_LOCKED' : 'SIGN_IN_FAILED';
      response.status(HttpStatus.UNAUTHORIZED);
      this.showSignIn(request, response, { next: form.next, failed: true, username: form.username });
      return;
    }
    request.audit.target = attempt.userId;
    const { token, session } = await this.sessions.open(attempt.userId);
    request.principal = session;
    response.clearCookie(SIGN_IN_COOKIE, { path: '/console' });
    response.cookie(sessionCookieName(this.config), token, {
      httpOnly: true,
      secure: this.config.console.secureCookies,
      sameSite: 'lax',
      path: '/',
    });
    response.redirect(303, form.next || homeFor(session.role));
  }

  @Post('sign-out')
  @Roles(...PEOPLE)
  async signOut(@Req() request: Request, @Res() response: Response) {
    const token = readCookie(request.headers.cookie, sessionCookieName(this.config));
    if (token) await this.sessions.close(token);
    response.clearCookie(sessionCookieName(this.config), { path: '/', secure: this.config.console.secureCookies });
    response.redirect(303, '/console/sign-in');
  }

  @Post('locale')
  @Roles(...PEOPLE)
  async setLocale(@Req() request: Request, @Res() response: Response, @Body() form: LocaleForm) {
    await this.users.update(request.principal!.userId, { locale: form.locale });
    response.redirect(303, sameOriginConsolePath(request.headers.referer) ?? '/console');
  }

  private showSignIn(
    request: Request,
    response: Response,
    view: { next?: string; lang?: string; expired?: boolean; failed?: boolean; tooMany?: number; username?: string },
  ) {
    const locale: Locale = LOCALES.includes(view.lang as Locale)
      ? (view.lang as Locale)
      : localeFromAcceptLanguage(request.headers['accept-language']);
    const csrfToken = randomBytes(24).toString('base64url');
    response.cookie(SIGN_IN_COOKIE, csrfToken, {
      httpOnly: true,
      secure: this.config.console.secureCookies,
      sameSite: 'strict',
      path: '/console',
    });
    const next = CONSOLE_PAGE.test(view.next ?? '') ? view.next : '';
    response.type('html').send(this.views.render('sign-in', { ...view, next, locale, csrfToken, title: 'Herald' }));
  }
}

/** Back to the page the person was on, if it was one of ours. */
function sameOriginConsolePath(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    const url = new URL(referer);
    return url.pathname.startsWith('/console') ? url.pathname + url.search : undefined;
  } catch {
    return undefined;
  }
}
