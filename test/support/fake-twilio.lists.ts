import type { FakeCall, FakeMessage } from './fake-twilio.server';

/**
 * Twilio's list reads (GET Messages.json, GET Calls.json) for the local Twilio: the filters and
 * the paging of its OpenAPI description (twilio_api_v2010.json, ListMessageResponse and
 * ListCallResponse), newest first.
 */

/** A filter parameter: from its value, the test a resource must pass; undefined for a value it cannot read. */
type Filter<T> = (value: string) => ((item: T) => boolean) | undefined;

export interface ListedResource<T> {
  /** The key of the page's array: `messages`, `calls`. */
  key: string;
  filters: Record<string, Filter<T>>;
}

const PAGING = new Set(['PageSize', 'Page', 'PageToken']);
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;
const SECOND = 1000;
const DAY = 86_400_000;

export const MESSAGE_LIST: ListedResource<FakeMessage> = {
  key: 'messages',
  filters: {
    To: (to) => (m) => m.to === to,
    From: (from) => (m) => m.from === from,
    // The fake sends at once: a message's date_sent is its creation.
    ...dateFilters<FakeMessage>('DateSent', (m) => m.createdAt, 'on or before'),
  },
};

export const CALL_LIST: ListedResource<FakeCall> = {
  key: 'calls',
  filters: {
    To: (to) => (c) => c.to === to,
    From: (from) => (c) => c.from === from,
    // The fake places no child calls.
    ParentCallSid: () => () => false,
    Status: (status) => (c) => c.status === status,
    // The fake connects at once: a call's start_time is its creation.
    ...dateFilters<FakeCall>('StartTime', (c) => c.createdAt, 'before'),
    ...dateFilters<FakeCall>('EndTime', (c) => c.endedAt, 'before'),
  },
};

/**
 * `Name`, `Name<` and `Name>` over one date of a resource. `Name>` is "on or after" in both
 * lists, but `<` differs: "on and before" a date for messages, "before" it for calls.
 */
function dateFilters<T>(
  name: string,
  date: (item: T) => Date | null,
  upTo: 'on or before' | 'before',
): Record<string, Filter<T>> {
  const filter =
    (test: (time: number, start: number, end: number) => boolean): Filter<T> =>
    (value) => {
      const bounds = span(value);
      if (!bounds) return undefined;
      return (item) => {
        const time = date(item)?.getTime();
        return time !== undefined && test(time, ...bounds);
      };
    };
  return {
    [name]: filter((time, start, end) => start <= time && time < end),
    [`${name}<`]: filter(upTo === 'on or before' ? (time, _, end) => time < end : (time, start) => time < start),
    [`${name}>`]: filter((time, start) => start <= time),
  };
}

/**
 * The span a date filter's value names, as [start, end): a whole UTC day for `YYYY-MM-DD`, the
 * spec's format; otherwise one second of a date-time, which is what the SDK sends
 * (`2024-05-01T08:30:00Z`, from a JavaScript Date with its milliseconds dropped).
 */
function span(value: string): [number, number] | undefined {
  const time = Date.parse(value);
  if (Number.isNaN(time)) return undefined;
  const length = /^\d{4}-\d{2}-\d{2}$/.test(value) ? DAY : SECOND;
  const start = Math.floor(time / length) * length;
  return [start, start + length];
}

/**
 * One page of `created` (oldest first, as made) under the query's filters, newest first.
 *
 * A next page is anchored on the last resource shown (`PageToken=PA<sid>`: those older than it), a
 * previous page on the first (`PB<sid>`: those newer), as Twilio's tokens are; so resources
 * created while a client pages through do not push the same ones onto the next page again.
 * `Page` only numbers the pages for the client, and places the first read without a token.
 */
export function listPage<T extends { sid: string }>(
  resource: ListedResource<T>,
  path: string,
  query: URLSearchParams,
  created: readonly T[],
  render: (item: T) => unknown,
): [number, unknown] {
  const unknown = [...query.keys()].filter((name) => !PAGING.has(name) && !(name in resource.filters));
  if (unknown.length > 0) return refused(`unknown parameters ${unknown.join(', ')}`);
  const filterQuery = [...query].filter(([name]) => !PAGING.has(name));
  const tests: ((item: T) => boolean)[] = [];
  for (const [name, value] of filterQuery) {
    const test = resource.filters[name](value);
    if (!test) return refused(`cannot read ${name}=${value}`);
    tests.push(test);
  }
  const pageSize = Number(query.get('PageSize') ?? DEFAULT_PAGE_SIZE);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    return refused(`PageSize must be from 1 to ${MAX_PAGE_SIZE}`);
  }
  const page = Number(query.get('Page') ?? 0);
  if (!Number.isInteger(page) || page < 0) return refused('Page must be 0 or more');

  // Newest first, each with its place in creation order, which is what a page token points at.
  const ranked = created
    .map((item, place) => ({ item, place }))
    .filter(({ item }) => tests.every((test) => test(item)))
    .reverse();
  const start = page * pageSize;
  const token = query.get('PageToken');
  let [from, to] = [start, start + pageSize];
  if (token) {
    const anchor = /^P[AB]/.test(token) ? created.findIndex((item) => item.sid === token.slice(2)) : -1;
    if (anchor < 0) return refused(`PageToken ${token} points at nothing`);
    const firstWhere = (test: (place: number) => boolean) => {
      const index = ranked.findIndex(({ place }) => test(place));
      return index < 0 ? ranked.length : index;
    };
    const older = firstWhere((place) => place < anchor);
    const anchorOrOlder = firstWhere((place) => place <= anchor);
    [from, to] = token.startsWith('PA') ? [older, older + pageSize] : [Math.max(0, anchorOrOlder - pageSize), anchorOrOlder];
  }
  const items = ranked.slice(from, to).map(({ item }) => item);

  const uri = (pageNumber: number, pageToken?: string) => {
    const search = new URLSearchParams(filterQuery);
    search.append('PageSize', String(pageSize));
    search.append('Page', String(pageNumber));
    if (pageToken) search.append('PageToken', pageToken);
    return `${path}?${search}`;
  };
  return [
    200,
    {
      [resource.key]: items.map(render),
      end: start + Math.max(items.length - 1, 0),
      first_page_uri: uri(0),
      next_page_uri: to < ranked.length && items.length > 0 ? uri(page + 1, `PA${items.at(-1)!.sid}`) : null,
      page,
      page_size: pageSize,
      previous_page_uri: from > 0 && page > 0 && items.length > 0 ? uri(page - 1, `PB${items[0].sid}`) : null,
      start,
      uri: uri(page, token ?? undefined),
    },
  ];
}

/** Stricter than Twilio, as for unknown create parameters: a query the fake cannot read is a mistake in the test. */
function refused(reason: string): [number, unknown] {
  return [400, { status: 400, message: `fake Twilio: ${reason}` }];
}
