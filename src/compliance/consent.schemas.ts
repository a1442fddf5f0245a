import { defineSchema, entitySchema, s } from '../common/api-responses';
import { CONSENT_SCOPES, CONSENT_SOURCES, ConsentEvent } from './consent-event.entity';
import { CHANNELS } from './policy.types';

/** The consent ledger as the API answers it (OpenAPI success schemas). */
export const CONSENT_EVENT = entitySchema(ConsentEvent, {
  channel: s.oneOf(CHANNELS),
  scope: s.oneOf(CONSENT_SCOPES),
  state: s.oneOf(['granted', 'revoked']),
  source: s.oneOf(CONSENT_SOURCES),
});

const MARK = s.nullable(s.object({ state: s.oneOf(['granted', 'revoked']), at: s.instant(), source: s.string() }));

/** A customer's consent now: per channel, the latest word on all contact and on marketing. */
export const CONSENT_NOW = defineSchema(
  'ConsentNow',
  s.object(Object.fromEntries(CHANNELS.map((channel) => [channel, s.object({ all: MARK, marketing: MARK })]))),
);

/** The same, as a list of channels (a timeline's). */
export const CONSENT_CHANNELS_SCHEMA = s.array(s.object({ channel: s.oneOf(CHANNELS) }, { all: MARK, marketing: MARK }));

export const CONSENT_OVERVIEW = defineSchema(
  'ConsentOverview',
  s.object({
    customerId: s.uuid(),
    current: s.ref(CONSENT_NOW),
    history: s.object({ items: s.array(s.ref(CONSENT_EVENT)), total: s.int(), limit: s.int(), offset: s.int() }),
  }),
);

export const CONSENT_RECORDED = defineSchema('ConsentRecorded', {
  allOf: [s.ref(CONSENT_EVENT), s.object({ changed: s.boolean() })],
});
