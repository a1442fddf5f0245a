import { CAMPAIGN_STATUSES } from '../../src/campaigns/campaign-lifecycle';
import { CAMPAIGN_PURPOSES } from '../../src/campaigns/campaign.entity';
import { ROLES } from '../../src/auth/role';
import { SEVERITIES } from '../../src/alerts/alert-rule.rules';
import { CONSENT_SCOPES, CONSENT_SOURCES } from '../../src/compliance/consent-event.entity';
import { DO_NOT_CONTACT_KINDS } from '../../src/compliance/do-not-contact-entry.entity';
import { CHANNELS, PURPOSES } from '../../src/compliance/policy.types';
import { CARD_STATUSES, LOCALES, RISK_LEVELS } from '../../src/customers/customer.entity';
import { IMPORT_MODES } from '../../src/customers/import/customer-import.entity';
import { STEP_CONDITIONS, TASK_STATUSES } from '../../src/dispatch/contact-task.entity';
import { EVENT_TYPES } from '../../src/events/event-types';
import { HISTORY_KINDS } from '../../src/history/history.config';
import { FRAUD_CASE_STATUSES } from '../../src/flows/fraud/fraud-case.model';
import { DISPOSITIONS } from '../../src/flows/outcomes/disposition.rules';
import { TEMPLATE_CHANNELS } from '../../src/templates/template.model';
import { WORK_ORDER_KINDS, WORK_ORDER_STATUSES } from '../../src/work-orders/work-order.rules';
import { createTestDatabase, TestDatabase, withDatabase } from '../support/test-database';

/**
 * The TypeScript lists of statuses and kinds, and the CHECK constraints that hold the same lists
 * in PostgreSQL, must agree: a value added on one side only is either refused by the database at
 * run time or never produced. Compared column by column, as the database states its constraints.
 */
const VOCABULARIES: [table: string, column: string, values: readonly string[]][] = [
  ['contact_tasks', 'status', TASK_STATUSES],
  ['contact_tasks', 'purpose', PURPOSES],
  ['contact_tasks', 'channel', CHANNELS],
  ['contact_tasks', 'condition', STEP_CONDITIONS],
  ['customers', 'card_status', CARD_STATUSES],
  ['customers', 'risk_level', RISK_LEVELS],
  ['customers', 'locale', LOCALES],
  ['campaigns', 'status', CAMPAIGN_STATUSES],
  ['campaigns', 'purpose', CAMPAIGN_PURPOSES],
  ['fraud_cases', 'status', FRAUD_CASE_STATUSES],
  ['work_orders', 'status', WORK_ORDER_STATUSES],
  ['work_orders', 'kind', WORK_ORDER_KINDS],
  ['consent_events', 'scope', CONSENT_SCOPES],
  ['consent_events', 'source', CONSENT_SOURCES],
  ['consent_events', 'channel', CHANNELS],
  ['do_not_contact', 'kind', DO_NOT_CONTACT_KINDS],
  ['users', 'role', ROLES],
  ['history_drops', 'kind', HISTORY_KINDS],
  ['events', 'type', EVENT_TYPES],
  ['alert_rules', 'severity', SEVERITIES],
  ['customer_imports', 'mode', IMPORT_MODES],
  ['template_versions', 'channel', TEMPLATE_CHANNELS],
  ['customer_dispositions', 'code', DISPOSITIONS],
];

describe('one vocabulary: TypeScript lists and CHECK constraints agree', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  /** The values a CHECK on this column alone allows, as `col = ANY (ARRAY[…])` or `col IN (…)` states them. */
  const checked = (table: string, column: string): Promise<string[][]> =>
    withDatabase(database.url, async (db) => {
      const { rows } = await db.query<{ definition: string }>(
        `SELECT pg_get_constraintdef(c.oid) AS definition
           FROM pg_constraint c
           JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ALL (c.conkey)
          WHERE c.contype = 'c' AND c.conrelid = $1::regclass AND a.attname = $2 AND cardinality(c.conkey) = 1`,
        [table, column],
      );
      return rows
        .filter(({ definition }) => definition.includes('ANY (ARRAY['))
        .map(({ definition }) => [...definition.matchAll(/'([^']*)'::text/g)].map((m) => m[1]));
    });

  it.each(VOCABULARIES)('%s.%s', async (table, column, values) => {
    const lists = await checked(table, column);
    expect(lists).toHaveLength(1);
    expect([...lists[0]].sort()).toEqual([...values].sort());
  });
});
