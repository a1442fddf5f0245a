import { DELIVERIES_OF, EVENTS_FROM } from './event-outbox.repository';

/**
 * consent.changed for each consent ledger entry of the relation `entries` (customer_id, channel,
 * scope, state, source, at) — the same event ConsentService's `consentChanged` writes for one
 * entry — for statements that write the ledger set-based (imports). Three CTEs to append to a WITH
 * after a comma. When no subscription wants the type, the EXISTS is false once for the statement
 * (a one-time filter) and `entries` is not even read: an import pays for events only when someone
 * listens.
 */
/**
 * The customers an address newly put on the do-not-contact list stops, as ledger-like entries
 * (customer_id, channel, scope, state, source, at) for CONSENT_CHANGED_EVENTS, from the relation
 * `listed` (kind, value, added_at): a phone stops SMS and calls, an e-mail address e-mail.
 */
export const DO_NOT_CONTACT_ENTRIES = (listed: string) => `
  SELECT c.id AS customer_id, ch.channel, 'all'::text AS scope, 'revoked'::text AS state,
         'do_not_contact'::text AS source, l.added_at AS at
    FROM ${listed} l JOIN customers c ON l.kind = 'phone' AND c.phone = l.value
   CROSS JOIN (VALUES ('sms'), ('call')) AS ch(channel)
  UNION ALL
  SELECT c.id, 'email', 'all', 'revoked', 'do_not_contact', l.added_at
    FROM ${listed} l JOIN customers c ON l.kind = 'email' AND lower(c.email) = l.value`;

export const CONSENT_CHANGED_EVENTS = (entries: string) => `
  consent_told AS (
    SELECT 'consent.changed'::text AS type, x.customer_id, x.at AS occurred_at,
           jsonb_build_object('customerId', x.customer_id, 'channel', x.channel, 'scope', x.scope, 'state', x.state,
                              'source', x.source, 'at', to_char(x.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) AS data
      FROM ${entries} x
     WHERE EXISTS (SELECT 1 FROM event_subscriptions s WHERE 'consent.changed' = ANY (s.event_types))
     ORDER BY x.customer_id, x.at),
  consent_changed AS (${EVENTS_FROM('consent_told')}),
  consent_changed_deliveries AS (${DELIVERIES_OF('consent_changed')})`;
