import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { DateTime } from 'luxon';
import { ConsoleSession } from '../auth/console-sessions';
import { Page } from '../common/pagination';
import { Role } from '../auth/role';
import { Locale } from '../customers/customer.entity';
import { formatMoney } from '../templates/template.helpers';
import { CONSOLE_MESSAGES } from './i18n/catalogue';
import { codeKey, tagKey } from './i18n/codes.messages';
import { translate } from './i18n/messages';

const VIEWS_DIR = join(__dirname, 'views');

/** The pages each role finds in the navigation; the controllers' @Roles are what actually decides. */
const NAVIGATION: { key: string; href: string; roles: Role[] }[] = [
  { key: 'nav.queue', href: '/console/agent', roles: ['agent'] },
  { key: 'nav.segments', href: '/console/segments', roles: ['campaign_manager'] },
  { key: 'nav.campaigns', href: '/console/campaigns', roles: ['campaign_manager'] },
  { key: 'nav.log', href: '/console/ops/log', roles: ['ops'] },
  { key: 'nav.dashboard', href: '/console/ops/dashboard', roles: ['ops'] },
  { key: 'nav.audit', href: '/console/ops/audit', roles: ['ops'] },
  // After each role's own first page: where a person lands after signing in stays theirs.
  { key: 'nav.customers', href: '/console/customers', roles: ['ops', 'campaign_manager'] },
  { key: 'nav.imports', href: '/console/customers/imports', roles: ['ops', 'campaign_manager'] },
  { key: 'nav.workOrders', href: '/console/work-orders', roles: ['agent', 'ops', 'campaign_manager'] },
];

export function navigationFor(role: Role) {
  return NAVIGATION.filter((item) => role === 'admin' || item.roles.includes(role));
}

/** Where a person lands after signing in: the first page their role has. */
export function homeFor(role: Role): string {
  return navigationFor(role)[0]?.href ?? '/console/sign-in';
}

function viewFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? viewFiles(join(dir, entry.name)) : entry.name.endsWith('.hbs') ? [join(dir, entry.name)] : [],
  );
}

/**
 * Server-rendered pages: Handlebars views under ./views (partials under views/partials), with the
 * console's text in the viewer's language. Everything is escaped unless a view says otherwise.
 */
@Injectable()
export class ConsoleViews {
  private readonly engine = Handlebars.create();
  private readonly views = new Map<string, Handlebars.TemplateDelegate>();

  constructor() {
    const engine = this.engine;
    engine.registerHelper('t', function (this: unknown, key: string, options: Handlebars.HelperOptions) {
      return translate(CONSOLE_MESSAGES, options.data.root.locale, key, options.hash);
    });
    /** A code's label in the reader's language (`{{codeLabel "cardStatus" value}}`); a code without one shows as it is. */
    engine.registerHelper('codeLabel', (vocabulary: string, value: unknown, options: Handlebars.HelperOptions) => {
      const key = codeKey(vocabulary, value);
      return key ? translate(CONSOLE_MESSAGES, options.data.root.locale, key) : String(value ?? '');
    });
    /** A timeline tag: a status, channel, purpose or source in the reader's words; anything else as it is. */
    engine.registerHelper('tagLabel', (value: unknown, options: Handlebars.HelperOptions) => {
      const key = tagKey(value);
      return key ? translate(CONSOLE_MESSAGES, options.data.root.locale, key) : String(value ?? '');
    });
    engine.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    engine.registerHelper('join', (list: unknown, separator: string) => (Array.isArray(list) ? list.join(separator) : ''));
    engine.registerHelper('concat', (...parts: unknown[]) => parts.slice(0, -1).join(''));
    engine.registerHelper('includes', (list: unknown, item: unknown) => Array.isArray(list) && list.includes(item));
    engine.registerHelper('json', (value: unknown) => JSON.stringify(value ?? null));
    engine.registerHelper('money', (minor: unknown, currency: string, options: Handlebars.HelperOptions) =>
      minor === null || minor === undefined ? '' : formatMoney(Number(minor), currency, options.data.root.locale),
    );
    /** An instant in a zone (the customer's, usually), with the zone named so nobody guesses. */
    engine.registerHelper('when', (value: unknown, zone: unknown, options: Handlebars.HelperOptions) =>
      inZone(value, zone, 'yyyy-MM-dd HH:mm', options.data.root.locale),
    );
    /** As `when`, to the second: where the order of events matters (a timeline). */
    engine.registerHelper('instant', (value: unknown, zone: unknown, options: Handlebars.HelperOptions) =>
      inZone(value, zone, 'yyyy-MM-dd HH:mm:ss', options.data.root.locale),
    );

    for (const file of viewFiles(VIEWS_DIR)) {
      const name = relative(VIEWS_DIR, file).replace(/\.hbs$/, '');
      const source = readFileSync(file, 'utf8');
      if (name.startsWith('partials/')) engine.registerPartial(name.slice('partials/'.length), source);
      else this.views.set(name, engine.compile(source, { strict: false }));
    }
  }

  /** A page for a signed-in person: their language, their navigation, the form token. */
  page(session: ConsoleSession, view: string, data: Record<string, unknown> = {}): string {
    return this.render(view, {
      ...data,
      locale: session.locale,
      session,
      csrfToken: session.csrfToken,
      navigation: navigationFor(session.role),
      roleLabel: translate(CONSOLE_MESSAGES, session.locale, `role.${session.role}`),
    });
  }

  /** A page for nobody in particular yet (sign-in, errors before sign-in). */
  render(view: string, data: Record<string, unknown> & { locale: Locale }): string {
    const template = this.views.get(view);
    if (!template) throw new Error(`no console view ${view}`);
    return template(data);
  }
}

/** Previous/next links for a page of results, keeping the other query parameters. */
export function pager(page: Page<unknown>, path: string, query: Record<string, string | undefined> = {}) {
  const link = (offset: number) => {
    const params = new URLSearchParams(
      Object.entries({ ...query, offset: String(offset), limit: String(page.limit) }).filter(([, v]) => v) as [string, string][],
    );
    return `${path}?${params}`;
  };
  return {
    from: page.total === 0 ? 0 : page.offset + 1,
    to: page.offset + page.items.length,
    total: page.total,
    previous: page.offset > 0 ? link(Math.max(0, page.offset - page.limit)) : undefined,
    next: page.offset + page.items.length < page.total ? link(page.offset + page.limit) : undefined,
  };
}

function inZone(value: unknown, zone: unknown, format: string, locale: Locale): string {
  if (!value) return '';
  const at = value instanceof Date ? DateTime.fromJSDate(value) : DateTime.fromISO(String(value));
  const local = at.setZone(typeof zone === 'string' ? zone : 'UTC');
  const named = codeKey('zone', local.zoneName);
  return `${local.toFormat(format)} ${named ? translate(CONSOLE_MESSAGES, locale, named) : local.zoneName}`;
}
