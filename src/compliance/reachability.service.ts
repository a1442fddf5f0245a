import { Injectable } from '@nestjs/common';
import { AsOf, asOf } from './as-of.rules';
import { UNCOUNTED_STATUSES } from './contact-history.repository';
import { isoDate } from './holiday.calendar';
import { isDayOff } from './marketing-days.rules';
import { Channel, CHANNELS, Purpose, PURPOSES } from './policy.types';
import { CompiledCap, parseContactHours, RulePack } from './rule-pack';
import { RulePacks } from './rule-packs';
import { DAY, HOUR } from './zone-timeline';
import { ReachabilityRepository } from './reachability.repository';

export const REACHABILITY_BUCKETS = [
  'reachableNow',
  'laterToday',
  'notToday',
  'muted',
  'blockedByCap',
  'blockedByConsent',
  'blockedByOptOut',
  'blockedByList',
  'noAddress',
] as const;
export type ReachabilityBucket = (typeof REACHABILITY_BUCKETS)[number];
export type ChannelReachability = Record<ReachabilityBucket, number>;

export interface Reachability {
  purpose: Purpose;
  at: Date;
  /** What was read: the history as it stood at `at` (a past instant) or as it stands now. */
  asOf: Omit<AsOf, 'at'>;
  total: number;
  channels: Record<Channel, ChannelReachability>;
}

/** Bind parameters after the audience's own, as `$n` placeholders. */
class Binds {
  constructor(readonly values: unknown[]) {}

  add(value: unknown, cast = ''): string {
    this.values.push(value);
    return `$${this.values.length}${cast}`;
  }
}

/**
 * How many customers of an audience each channel reaches for a purpose, and why not the rest —
 * one SQL statement over the book that applies the policy's rules as the policy does: the
 * customer's zone and windows, the ledger's latest entries, the list, the caps. Each customer
 * falls in exactly one bucket per channel, the first that applies of: no address, the list, an
 * opt-out, no consent, a cap, a mute, then reachable now / later in their local day / not today.
 * "Later today" reads local wall-clock minutes, so an hour skipped or repeated by a DST change
 * that very day is not singled out.
 */
@Injectable()
export class ReachabilityService {
  constructor(
    private readonly statements: ReachabilityRepository,
    private readonly packs: RulePacks,
  ) {}

  /**
   * @param audienceWhere a boolean SQL condition over `customers c` using `$1…$n`
   * @param params the values of those placeholders
   * @param now the instant to count at
   * @param clockNow the present, when `now` is another instant: before it, the contact log, the
   *   ledger and the list are read as they stood at `now`
   */
  async reachability(
    audienceWhere: string,
    params: unknown[],
    purpose: Purpose,
    now: Date,
    clockNow: Date = now,
  ): Promise<Reachability> {
    const { at: _at, ...stance } = asOf(now, clockNow);
    const b = new Binds([...params]);
    const at = b.add(now, '::timestamptz');
    // As it stood: only what had happened by `now`; as it stands: everything on record.
    const past = stance.history === 'as_it_stood';
    const upTo = (column: string) => (past ? ` AND ${column} <= ${at}` : '');
    const listed = (alias: string) =>
      past
        ? `${alias}.added_at <= ${at} AND (${alias}.removed_at IS NULL OR ${alias}.removed_at > ${at})`
        : `${alias}.removed_at IS NULL`;
    const packs = this.packs.all();
    const mapping = Object.entries(this.packs.countryPacks);
    const caps = packs.flatMap((pack) => capsOf(pack, purpose).map((cap) => ({ pack, cap })));
    const localDays = [...new Set(caps.map(({ cap }) => cap.localDays).filter(Boolean))];
    const since = (days: number) => `since_${days}`;
    const zoneColumns = ['local_date', 'isodow', 'minute', ...localDays.map(since)];
    const preferences = purpose !== 'fraud';
    // Only marketing reads the marketing scope.
    const scopes = purpose === 'marketing' ? ['all', 'marketing'] : ['all'];

    // Per pack: its fallback zone, each channel's contact hours, each of its caps' limit (NULL in
    // the other packs) — columns of a small table, so that no row compares pack names.
    const hoursOf = (pack: RulePack, channel: Channel) =>
      pack.plan(purpose, channel).hours ? parseContactHours(pack.config.contactHours[purpose][channel])! : [null, null];
    const packColumns: [string, string, unknown[]][] = [
      ['pack', 'text', packs.map((p) => p.name)],
      ['fallback_zone', 'text', packs.map((p) => p.config.fallbackTimeZone)],
      ...CHANNELS.flatMap((channel): [string, string, unknown[]][] => [
        [`${channel}_start`, 'int', packs.map((p) => hoursOf(p, channel)[0])],
        [`${channel}_end`, 'int', packs.map((p) => hoursOf(p, channel)[1])],
      ]),
      ...caps.map(({ pack, cap }, i): [string, string, unknown[]] => [
        `cap_${i}_limit`,
        'int',
        packs.map((p) => (p === pack ? cap.limit : null)),
      ]),
    ];

    // What each cap counts, and — to read only those rows of the log — how far back it looks.
    // Packs often share a cap: each figure is worked out once, by the first cap that has it.
    const signature = (cap: CompiledCap) =>
      [cap.countedPurposes, cap.countedChannels, cap.only, cap.windowMs, cap.localDays, cap.windowMs ? 0 : cap.limit].join('|');
    const figureOf = caps.map(({ cap }) => caps.findIndex((other) => signature(other.cap) === signature(cap)));
    const counted = caps
      .map(({ cap }, i) => ({ cap, i }))
      .filter(({ i }) => figureOf[i] === i)
      .map(({ cap, i }) => {
        const matches = `ca.purpose = ANY (${b.add(namesOf(cap.countedPurposes, PURPOSES), '::text[]')})
                       AND ca.channel = ANY (${b.add(namesOf(cap.countedChannels, CHANNELS), '::text[]')})`;
        const lookbackHours = Math.ceil((cap.windowMs || (cap.localDays + 1) * DAY) / HOUR);
        return { cap, i, matches, recent: `ca.attempted_at > ${at} - make_interval(hours => ${b.add(lookbackHours, '::int')})` };
      });
    // The longest window as one range on both sides too, so that the planner reads only its months
    // (contact_attempts is partitioned by month); a day ahead for another instance's clock.
    const longest = Math.max(0, ...counted.map(({ cap }) => Math.ceil((cap.windowMs || (cap.localDays + 1) * DAY) / HOUR)));
    const monthsRead = counted.length
      ? ` AND ca.attempted_at > ${at} - make_interval(hours => ${b.add(longest, '::int')}) AND ca.attempted_at <= ${at} + interval '1 day'`
      : '';
    // Per customer from the log alone: a rolling cap's count; for a cap in local days, the
    // limit-th latest instant it counts (the cap is reached when that is inside the customer's
    // days), so that the zone is needed only later, beside the customer.
    const capFigures = counted.map(({ cap, i, matches, recent }) => {
      const only = cap.only ? ` AND ca.${cap.only}` : '';
      return cap.windowMs
        ? `count(*) FILTER (WHERE ${matches}${only} AND ${recent}) AS cap_${i}`
        : `(array_agg(ca.attempted_at ORDER BY ca.attempted_at DESC) FILTER (WHERE ${matches}${only} AND ${recent}))[${b.add(cap.limit, '::int')}] AS cap_${i}`;
    });
    const overCap = (channel: Channel) =>
      caps
        .map(({ pack, cap }, i) => ({ pack, cap, i }))
        .filter(({ pack, cap }) => pack.plan(purpose, channel).caps.includes(cap))
        .map(({ cap, i }) =>
          cap.windowMs
            ? `h.cap_${figureOf[i]} >= pk.cap_${i}_limit`
            : `(pk.cap_${i}_limit IS NOT NULL AND h.cap_${figureOf[i]} >= coalesce(zc.${since(cap.localDays)}, pk.${since(cap.localDays)}))`,
        )
        .join(' OR ') || 'false';
    const muted = [
      ...(preferences ? [`c.mute_until > ${at}`] : []),
      ...(purpose === 'marketing' ? [`c.marketing_mute_until > ${at}`] : []),
    ];
    const dayOff = purpose === 'marketing' ? this.daysOff(now, b) : undefined;
    // Customers with their own windows need policy_next_minute_today, the rest only the contact
    // hours; the key holds both and groups customers whose windows are the same.
    const windowKey = preferences
      ? `CASE WHEN c.contact_window IS NOT NULL OR c.inconvenient_times <> '[]'::jsonb
              THEN jsonb_build_array(c.contact_window, c.inconvenient_times) END`
      : 'NULL::jsonb';
    const countries = b.add(
      mapping.map(([country]) => country),
      '::text[]',
    );
    const countryPacks = b.add(
      mapping.map(([, pack]) => pack),
      '::text[]',
    );
    const address = (channel: Channel) => (channel === 'email' ? 'email' : 'phone');
    const bucket = (name: ReachabilityBucket) => REACHABILITY_BUCKETS.indexOf(name);
    const bucketOf = (channel: Channel) => {
      const [start, end] = [`pk.${channel}_start`, `pk.${channel}_end`];
      return `CASE
          WHEN NOT g.has_${address(channel)} THEN ${bucket('noAddress')}
          ${purpose === 'fraud' ? '' : `WHEN g.${address(channel)}_listed THEN ${bucket('blockedByList')}`}
          WHEN g.${channel}_all_revoked = 1 ${purpose === 'marketing' ? `OR g.${channel}_marketing_revoked = 1` : ''} THEN ${bucket('blockedByOptOut')}
          ${purpose === 'marketing' ? `WHEN g.${channel}_marketing_revoked IS NULL THEN ${bucket('blockedByConsent')}` : ''}
          WHEN g.${channel}_capped THEN ${bucket('blockedByCap')}
          WHEN g.muted THEN ${bucket('muted')}
          ${dayOff ? `WHEN ${dayOff} THEN ${bucket('notToday')}` : ''}
          WHEN g.window_key IS NOT NULL THEN
            CASE sign(w.${channel}_next - g.minute)
              WHEN 0 THEN ${bucket('reachableNow')} WHEN 1 THEN ${bucket('laterToday')} ELSE ${bucket('notToday')}
            END
          WHEN ${start} IS NULL OR (g.minute >= ${start} AND g.minute < ${end}) THEN ${bucket('reachableNow')}
          WHEN g.minute < ${start} THEN ${bucket('laterToday')}
          ELSE ${bucket('notToday')}
        END`;
    };

    const revoked = (latest: (channel: Channel, scope: string) => string) =>
      CHANNELS.flatMap((channel) => scopes.map((scope) => `${latest(channel, scope)} % 2 AS ${channel}_${scope}_revoked`)).join(
        ',\n               ',
      );
    // Outside marketing only a revocation tells: the customers without one are left out of the join.
    const consentNow = () => `
        SELECT n.customer_id, ${revoked((channel, scope) => `n.${channel}_${scope}`)}
          FROM customer_consent_now n${
            purpose === 'marketing'
              ? ''
              : `\n         WHERE ${CHANNELS.map((channel) => `n.${channel}_all % 2 = 1`).join(' OR ')}`
          }`;
    const consentAsItStood = () => `
        SELECT e.customer_id,
               ${revoked(
                 (channel, scope) => `max((extract(epoch FROM e.at) * 1000000)::bigint * 2 + (e.state = 'revoked')::int)
                        FILTER (WHERE e.channel = '${channel}' AND e.scope = '${scope}')`,
               )}
          FROM consent_events e
         WHERE e.customer_id IN (SELECT c.id FROM customers c WHERE ${audienceWhere})
           AND e.scope = ANY (${b.add(scopes, '::text[]')})${upTo('e.at')}
         GROUP BY e.customer_id`;
    const consentColumns = CHANNELS.flatMap((channel) => scopes.map((scope) => `${channel}_${scope}_revoked`));
    // What decides a customer's buckets beyond the pack, the zone and the windows, packed in the
    // bits of one integer, so that grouping hashes four columns instead of a score: a yes/no per
    // bit, and for consent two bits (0 none, 1 granted, 2 revoked).
    const flags: [string, string, number][] = [
      ['has_phone', 'c.phone IS NOT NULL', 1],
      ['has_email', 'c.email IS NOT NULL', 1],
      ['phone_listed', 'dp.id IS NOT NULL', 1],
      ['email_listed', 'de.id IS NOT NULL', 1],
      ...CHANNELS.map((channel): [string, string, number] => [
        `${channel}_capped`,
        `h.customer_id IS NOT NULL AND (${overCap(channel)})`,
        1,
      ]),
      ['muted', muted.join(' OR ') || 'false', 1],
      ...consentColumns.map((column): [string, string, number] => [column, `s.${column}`, 2]),
    ];
    let shift = 0;
    const packed = flags.map(([name, value, bits]) => {
      const at = shift;
      shift += bits;
      return bits === 1
        ? { pack: `(CASE WHEN ${value} THEN ${1 << at} ELSE 0 END)`, unpack: `g.flags & ${1 << at} <> 0 AS ${name}` }
        : // Back to what the ledger summary says: NULL (no entry), 0 (granted) or 1 (revoked).
          { pack: `(coalesce(${value} + 1, 0) << ${at})`, unpack: `nullif((g.flags >> ${at}) & 3, 0) - 1 AS ${name}` };
    });

    const text = `
      WITH mapping AS (
        SELECT * FROM unnest(${countries}, ${countryPacks}) AS m (country, pack)
      ),
      -- The instant in every zone PostgreSQL knows: once per zone instead of once per customer.
      zone_clock AS (
        SELECT name AS zone, local_now::date AS local_date, extract(isodow FROM local_now)::int AS isodow,
               extract(epoch FROM local_now::time) / 60 AS minute
               ${localDays.map((d) => `, (local_now::date - ${b.add(d - 1, '::int')})::timestamp AT TIME ZONE name AS ${since(d)}`).join('')}
          FROM (SELECT name, ${at} AT TIME ZONE name AS local_now FROM pg_timezone_names) AS z
      ),
      packs AS (
        SELECT p.*, ${zoneColumns.map((column) => `zc.${column}`).join(', ')}
          FROM unnest(${packColumns.map(([, type, values]) => b.add(values, `::${type}[]`)).join(', ')})
               AS p (${packColumns.map(([name]) => name).join(', ')})
          JOIN zone_clock zc ON zc.zone = p.fallback_zone
      ),
      -- The latest entry per channel and scope: the instant in µs times two, plus one for a
      -- revocation (which wins a tie, as in ConsentService); odd is revoked. As it stands, kept per
      -- customer by the ledger's own writes (customer_consent_now); as it stood, from the ledger.
      consent AS (${past ? consentAsItStood() : consentNow()}),
      history AS (
        SELECT ca.customer_id${capFigures.map((figure) => `,\n               ${figure}`).join('')}
          FROM contact_attempts ca
         WHERE (${counted.map(({ matches, recent }) => `(${matches} AND ${recent})`).join(' OR ') || 'false'})
           AND ca.status <> ALL (${b.add(UNCOUNTED_STATUSES, '::text[]')})${upTo('ca.attempted_at')}${monthsRead}
         GROUP BY ca.customer_id
      ),
      -- One row per kind of customer: what the rules read, with how many customers have it.
      groups AS (
        SELECT pk.pack, zc.zone, ${windowKey} AS window_key,
               ${packed.map(({ pack }) => pack).join(' |\n               ')} AS flags,
               count(*)::int AS customers
          FROM customers c
          LEFT JOIN mapping m ON m.country = c.country
          JOIN packs pk ON pk.pack = coalesce(m.pack, ${b.add(this.packs.defaultPack)})
          LEFT JOIN zone_clock zc ON zc.zone = c.timezone
          LEFT JOIN do_not_contact dp ON dp.kind = 'phone' AND dp.value = c.phone AND ${listed('dp')}
          LEFT JOIN do_not_contact de ON de.kind = 'email' AND de.value = lower(c.email) AND ${listed('de')}
          LEFT JOIN consent s ON s.customer_id = c.id
          LEFT JOIN history h ON h.customer_id = c.id
         WHERE ${audienceWhere}
         GROUP BY 1, 2, 3, 4
      ),
      -- Each group's local clock: its zone's, or its pack's fallback zone's.
      clocked AS (
        SELECT g.pack, g.window_key, g.customers, ${packed.map(({ unpack }) => unpack).join(', ')},
               ${['local_date', 'isodow', 'minute'].map((column) => `coalesce(zc.${column}, pk.${column}) AS ${column}`).join(', ')}
          FROM groups g
          JOIN packs pk ON pk.pack = g.pack
          LEFT JOIN zone_clock zc ON zc.zone = g.zone
      ),
      -- The customers' own windows, worked out once per distinct combination: most choose from a few.
      windows AS (
        SELECT d.window_key, d.pack, d.isodow, d.minute, ${CHANNELS.map(
          (channel) =>
            `policy_next_minute_today(d.${channel}_start, d.${channel}_end, nullif(d.window_key -> 0, 'null'), d.window_key -> 1, d.isodow, d.minute) AS ${channel}_next`,
        ).join(',\n               ')}
          FROM (SELECT DISTINCT g.window_key, g.pack, g.isodow, g.minute,
                       ${CHANNELS.map((channel) => `pk.${channel}_start, pk.${channel}_end`).join(', ')}
                  FROM clocked g JOIN packs pk ON pk.pack = g.pack
                 WHERE g.window_key IS NOT NULL) AS d
      )
      SELECT ${CHANNELS.map((channel) => `${bucketOf(channel)} AS ${channel}`).join(',\n             ')},
             sum(g.customers)::int AS count
        FROM clocked g
        JOIN packs pk ON pk.pack = g.pack
        LEFT JOIN windows w ON w.window_key = g.window_key AND w.pack = g.pack AND w.isodow = g.isodow AND w.minute = g.minute
       GROUP BY 1, 2, 3`;

    const combinations = await this.statements.countCombinations(text, b.values);
    const channels = Object.fromEntries(
      CHANNELS.map((channel) => [channel, Object.fromEntries(REACHABILITY_BUCKETS.map((name) => [name, 0]))]),
    ) as Record<Channel, ChannelReachability>;
    let total = 0;
    for (const combination of combinations) {
      total += combination.count;
      for (const channel of CHANNELS) channels[channel][REACHABILITY_BUCKETS[combination[channel]]] += combination.count;
    }
    return { purpose, at: now, asOf: stance, total, channels };
  }

  /**
   * Marketing's days off near `now`: every customer's local date is within a day of the UTC
   * date, so the blocked dates among those three, per pack, are all the SQL needs.
   */
  private daysOff(now: Date, b: Binds): string | undefined {
    const today = Math.floor(now.getTime() / DAY);
    const tests = this.packs.all().flatMap((pack) => {
      const days = pack.plan('marketing', 'sms').marketingDays;
      if (!days) return [];
      const blocked = [today - 1, today, today + 1].filter((day) => isDayOff(days, days.calendar.kindOf(day)));
      return [`(g.pack = ${b.add(pack.name)} AND g.local_date = ANY (${b.add(blocked.map(isoDate), '::date[]')}))`];
    });
    return tests.length ? tests.join(' OR ') : undefined;
  }
}

/** The distinct caps a pack applies to a purpose on any channel. */
function capsOf(pack: RulePack, purpose: Purpose): CompiledCap[] {
  return [...new Set(CHANNELS.flatMap((channel) => pack.plan(purpose, channel).caps))];
}

/** The names behind a cap's bit mask of purposes or channels. */
function namesOf(mask: number, names: readonly string[]): string[] {
  return names.filter((_, i) => mask & (1 << i));
}
