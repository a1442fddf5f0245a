import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The do-not-contact list, and the customer's own times as SQL functions so that reachability
 * counts read a profile's windows exactly as the policy does (src/compliance/weekly-windows.ts).
 */
export class ContactPolicy1763700500000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE do_not_contact (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind        text NOT NULL CHECK (kind IN ('phone', 'email')),
        -- E.164 for phones, lower case for e-mail addresses: what customers' profiles are matched on.
        value       text NOT NULL,
        reason      text,
        added_by    uuid,
        added_at    timestamptz NOT NULL DEFAULT now(),
        -- A removal is kept, not deleted: the list is evidence of what Herald was told.
        removed_by  uuid,
        removed_at  timestamptz,
        CHECK (CASE kind
                 WHEN 'phone' THEN value ~ '^\\+[1-9][0-9]{6,14}$'
                 ELSE value = lower(value) AND value ~ '^[^@[:space:]]+@[^@[:space:]]+$'
               END),
        CHECK (removed_by IS NULL OR removed_at IS NOT NULL),
        CHECK (removed_at IS NULL OR removed_at >= added_at)
      )`);
    await q.query(`CREATE UNIQUE INDEX do_not_contact_listed_key ON do_not_contact (kind, value) WHERE removed_at IS NULL`);
    await q.query(`CREATE INDEX do_not_contact_added_idx ON do_not_contact (added_at DESC, id DESC) WHERE removed_at IS NULL`);

    // `HH:mm` (or 24:00) as minutes after midnight; NULL when malformed.
    await q.query(`
      CREATE FUNCTION policy_clock_minute(clock text) RETURNS integer
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT CASE WHEN clock ~ '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$'
                    THEN split_part(clock, ':', 1)::integer * 60 + split_part(clock, ':', 2)::integer END
      $$`);

    // A profile's windows — [{start, end, days?}] — as a flat [start, end, weekday bits, …];
    // NULL when the array is empty or any window is malformed: the policy then ignores them all.
    await q.query(`
      CREATE FUNCTION policy_parse_windows(windows jsonb) RETURNS integer[]
      LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
      DECLARE
        w jsonb;
        d jsonb;
        s integer;
        e integer;
        days integer;
        parsed integer[] := '{}';
      BEGIN
        IF jsonb_typeof(windows) IS DISTINCT FROM 'array' OR jsonb_array_length(windows) = 0 THEN RETURN NULL; END IF;
        FOR w IN SELECT value FROM jsonb_array_elements(windows) LOOP
          IF jsonb_typeof(w) <> 'object' THEN RETURN NULL; END IF;
          s := policy_clock_minute(w ->> 'start');
          e := policy_clock_minute(w ->> 'end');
          IF s IS NULL OR e IS NULL THEN RETURN NULL; END IF;
          IF coalesce(jsonb_typeof(w -> 'days'), 'null') = 'null' THEN
            days := 254; -- bits 1 (Monday) … 7 (Sunday)
          ELSIF jsonb_typeof(w -> 'days') = 'array' THEN
            days := 0;
            FOR d IN SELECT value FROM jsonb_array_elements(w -> 'days') LOOP
              IF jsonb_typeof(d) <> 'number' OR d::text !~ '^[1-7]$' THEN RETURN NULL; END IF;
              days := days | (1 << d::text::integer);
            END LOOP;
          ELSE
            RETURN NULL;
          END IF;
          parsed := parsed || ARRAY[s, e, days];
        END LOOP;
        RETURN parsed;
      END $$`);

    // Whether local (ISO weekday, minute) lies in any parsed window: end <= start runs past
    // midnight into the next day, start = end is the whole day.
    await q.query(`
      CREATE FUNCTION policy_windows_hit(parsed integer[], isodow integer, minute double precision) RETURNS boolean
      LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
      DECLARE
        yesterday integer := CASE isodow WHEN 1 THEN 7 ELSE isodow - 1 END;
        s integer;
        e integer;
      BEGIN
        FOR i IN 1 .. coalesce(array_length(parsed, 1), 0) BY 3 LOOP
          s := parsed[i];
          e := parsed[i + 1];
          IF (parsed[i + 2] & (1 << isodow) <> 0 AND minute >= s AND (e <= s OR minute < e))
             OR (e <= s AND parsed[i + 2] & (1 << yesterday) <> 0 AND minute < e) THEN
            RETURN true;
          END IF;
        END LOOP;
        RETURN false;
      END $$`);

    // The earliest local minute, from `minute` to the end of the local day, inside the contact
    // hours (NULL bounds: any hour), inside the preferred window and outside the inconvenient
    // times; NULL when there is none. It is one of: now, the hours' start, the window's start, the
    // end of an inconvenient time.
    await q.query(`
      CREATE FUNCTION policy_next_minute_today(
        hours_start integer, hours_end integer, preferred jsonb, inconvenient jsonb, isodow integer, minute double precision
      ) RETURNS double precision
      LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
      DECLARE
        own integer[] := CASE WHEN preferred IS NOT NULL THEN policy_parse_windows(jsonb_build_array(preferred)) END;
        avoid integer[] := policy_parse_windows(inconvenient);
        candidates double precision[] := ARRAY[minute, hours_start, own[1]];
        candidate double precision;
        best double precision;
      BEGIN
        FOR i IN 2 .. coalesce(array_length(avoid, 1), 0) BY 3 LOOP
          candidates := candidates || avoid[i]::double precision;
        END LOOP;
        FOREACH candidate IN ARRAY candidates LOOP
          CONTINUE WHEN candidate IS NULL OR candidate < minute OR candidate >= 1440 OR candidate >= best;
          CONTINUE WHEN hours_start IS NOT NULL AND (candidate < hours_start OR candidate >= hours_end);
          CONTINUE WHEN own IS NOT NULL AND NOT policy_windows_hit(own, isodow, candidate);
          CONTINUE WHEN avoid IS NOT NULL AND policy_windows_hit(avoid, isodow, candidate);
          best := candidate;
        END LOOP;
        RETURN best;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION policy_next_minute_today(integer, integer, jsonb, jsonb, integer, double precision)`);
    await q.query(`DROP FUNCTION policy_windows_hit(integer[], integer, double precision)`);
    await q.query(`DROP FUNCTION policy_parse_windows(jsonb)`);
    await q.query(`DROP FUNCTION policy_clock_minute(text)`);
    await q.query(`DROP TABLE do_not_contact`);
  }
}
