import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Request, Response } from 'express';
import { ConsoleSessions, readCookie, sessionCookieName } from '../auth/console-sessions';
import { AppConfig } from '../config/app-config';
import { Locale } from '../customers/customer.entity';
import { consoleHeaders } from './console-headers.middleware';
import { ConsoleViews } from './console-views';
import { CONSOLE_MESSAGES } from './i18n/catalogue';
import { localeFromAcceptLanguage, translate } from './i18n/messages';

/**
 * A console address that names no page answers a page too — 404, in the reader's language, with a
 * way back — not the API's JSON. Registered once the routes are (onModuleInit runs after Nest
 * registers them and before its own not-found handler), so it sees only what no route took.
 */
@Injectable()
export class ConsoleNotFoundHandler implements OnModuleInit {
  constructor(
    private readonly adapter: HttpAdapterHost,
    private readonly views: ConsoleViews,
    private readonly sessions: ConsoleSessions,
    private readonly config: AppConfig,
  ) {}

  /** A signed-in person reads the 404 in the language they chose; anyone else in their browser's. */
  private async localeOf(request: Request): Promise<Locale> {
    const token = readCookie(request.headers.cookie, sessionCookieName(this.config));
    const session = token ? await this.sessions.resume(token).catch(() => undefined) : undefined;
    return session?.locale ?? localeFromAcceptLanguage(request.headers['accept-language']);
  }

  onModuleInit(): void {
    this.adapter.httpAdapter.use('/console', (request: Request, response: Response) => {
      consoleHeaders(request, response, () => {
        void this.localeOf(request).then((locale) => {
          const html = this.views.render('error', {
            locale,
            status: 404,
            code: 'NOT_FOUND',
            message: translate(CONSOLE_MESSAGES, locale, 'error.404'),
            details: [],
            title: translate(CONSOLE_MESSAGES, locale, 'error.title'),
          });
          response.status(404).type('html').send(html);
        });
      });
    });
  }
}
