import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DELIVERIES_OF } from '../events/event-outbox.repository';
import { DataSource } from 'typeorm';
import { ConsentScope } from '../compliance/consent-event.entity';
import { ConsentValue } from '../compliance/policy.types';
import { Customer } from '../customers/customer.entity';
import { hydrateEntity } from '../database/entity-row.mapper';
import { GroupCommit } from '../database/group-commit';
import { PreparedStatement } from '../database/prepared-statement';
import { attemptIdAt } from '../dispatch/attempt-id';
import { OpenCase } from '../flows/fraud/fraud-cases.service';

export interface InboundSms {
  messageSid: string;
  from: string;
  to: string | undefined;
  body: string;
}

/** What to keep of a message, and the reply it earns once kept. */
export interface InboundRecord {
  /** Stored when the sender is a customer. */
  intent: string;
  /** Stored when the sender matches no customer: the keyword family as read. */
  unknownSenderIntent: string;
  subjectRef?: string;
  /** Logged as a contact attempt, at the version each locale renders now: `{ en: 'ab12…' }`. */
  reply?: { template: string; versions: Partial<Record<string, string>> };
  /** A Y/N: keep nothing while a verification is open, and return the open ones instead. */
  holdIfCasesOpen?: boolean;
}

export interface RecordedInbound {
  /** False for a MessageSid seen before (Twilio retries) and for a message held for its open cases. */
  stored: boolean;
  customer: Customer | null;
  /** Only for `holdIfCasesOpen`: the verifications the sender may be answering, oldest first. */
  openCases: OpenCase[];
}

type CustomerRow = Record<string, unknown> & { id: string | null };
type OpenCaseRow = { id: string; reference: string; amount: number; currency: string; merchant: string; at: string };
type RecordRow = CustomerRow & { n: number; stored: boolean; openCases: OpenCaseRow[] };

/** A message to record, as `record` takes it. */
interface PendingRecord {
  sms: InboundSms;
  record: InboundRecord;
  at: Date;
}

/** A consent keyword: the change it asks for, and the confirmation a change earns. */
export interface ConsentKeyword {
  sms: InboundSms;
  intent: string;
  scope: ConsentScope;
  state: ConsentValue;
  confirmation: { template: string; versions: Partial<Record<string, string>> };
  at: Date;
}

export interface RecordedKeyword {
  /** False for a MessageSid seen before (Twilio retries). */
  stored: boolean;
  customer: Customer | null;
  /** The keyword changed the sender's consent: its confirmation was logged. */
  changed: boolean;
}

/** The columns of every statement's JSON input: one object per message, numbered by `n`. */
const MESSAGE_COLUMNS = 'n int, sid text, sender text, recipient text, body text';

/**
 * The sender of input message `i`, unless its MessageSid was seen. Several customers may share a
 * phone: the one Herald contacted last is the one answering.
 */
const SENDER = (columns: string) => `SELECT ${columns} FROM customers c
   WHERE c.phone = i.sender
     AND NOT EXISTS (SELECT 1 FROM inbound_message_refs m WHERE m.provider = 'twilio' AND m.provider_ref = i.sid)
   ORDER BY c.last_contact_at DESC NULLS LAST, c.created_at DESC LIMIT 1`;

/**
 * Claims the input's MessageSids (`i.sid`, received `i.at`) in inbound_message_refs: a sid seen
 * before is not returned, so its message is not stored twice. The messages themselves are
 * partitioned by month (a unique key there would have to include the time, and a retry comes
 * later), so the claim lives in a table of its own.
 */
const CLAIM = (from: string) => `INSERT INTO inbound_message_refs (provider, provider_ref, received_at)
     SELECT 'twilio', i.sid, i.at ${from}
     ON CONFLICT (provider, provider_ref) DO NOTHING
     RETURNING provider_ref`;

const RECORD = new PreparedStatement<RecordRow>(
  'inbound-sms.record',
  `WITH input AS (
     SELECT * FROM json_to_recordset($1::json) AS i(${MESSAGE_COLUMNS}, intent text, unknown_intent text,
       subject_ref text, at timestamptz, hold boolean, reply_id uuid, reply_template text, reply_versions json)
   ), sender AS (
     SELECT i.n, c.* FROM input i LEFT JOIN LATERAL (${SENDER('c.*')}) c ON true
   ), open_cases AS (
     SELECT i.n, f.id, f.reference, t.amount::float8 AS amount, t.currency, t.merchant, t.occurred_at AS at, f.opened_at
       FROM input i
       JOIN sender s ON s.n = i.n
       JOIN fraud_cases f ON f.customer_id = s.id AND f.status IN ('open', 'escalated_ivr', 'escalated_agent')
       JOIN card_transactions t ON t.id = f.transaction_id
      WHERE i.hold
   ), claimed AS (
     ${CLAIM('FROM input i JOIN sender s ON s.n = i.n WHERE NOT EXISTS (SELECT 1 FROM open_cases o WHERE o.n = i.n)')}
   ), stored AS (
     INSERT INTO inbound_messages (customer_id, channel, provider, provider_ref, from_address, to_address, body, intent, subject_ref, received_at)
     SELECT s.id, 'sms', 'twilio', i.sid, i.sender, i.recipient, i.body,
            CASE WHEN s.id IS NULL THEN i.unknown_intent ELSE i.intent END, i.subject_ref, i.at
       FROM input i JOIN sender s ON s.n = i.n JOIN claimed k ON k.provider_ref = i.sid
     RETURNING provider_ref
   ), reply AS (
     INSERT INTO contact_attempts (id, customer_id, subject_ref, purpose, channel, provider, status, template_key, template_version, attempted_at, updated_at)
     SELECT i.reply_id, s.id, i.subject_ref, 'service', 'sms', 'twilio', 'sent', i.reply_template, i.reply_versions ->> s.locale, i.at, i.at
       FROM input i JOIN sender s ON s.n = i.n
      WHERE s.id IS NOT NULL AND i.reply_template IS NOT NULL AND EXISTS (SELECT 1 FROM stored WHERE provider_ref = i.sid)
   )
   SELECT EXISTS (SELECT 1 FROM stored WHERE provider_ref = i.sid) AS "stored",
          (SELECT coalesce(json_agg(o ORDER BY o.opened_at), '[]') FROM open_cases o WHERE o.n = i.n) AS "openCases",
          s.*
     FROM input i JOIN sender s ON s.n = i.n`,
);

/**
 * Consent keywords from different phones (so different senders), in one statement. The senders
 * are locked in the order of their ids (two statements never wait on each other in a circle),
 * and each one's consent is read after its lock with consent_state_now, which sees what was
 * committed while we waited: of two STOPs at once, the second finds the first and changes
 * nothing. Every keyword is on the ledger; `changed` says whether it changed the state, and only
 * a change earns (and logs) a confirmation. A MessageSid seen before finds no sender, so it
 * changes nothing and keeps nothing.
 */
const CONSENT_KEYWORDS = new PreparedStatement<CustomerRow & { n: number; stored: boolean; changed: boolean }>(
  'inbound-sms.consent-keywords',
  `WITH input AS (
     SELECT * FROM json_to_recordset($1::json) AS i(${MESSAGE_COLUMNS}, intent text, scope text, state text,
       evidence jsonb, at timestamptz, reply_id uuid, reply_template text, reply_versions json)
   ), found AS (
     SELECT i.n, c.id FROM input i LEFT JOIN LATERAL (${SENDER('c.id')}) c ON true
   ), locked AS MATERIALIZED (
     SELECT c.* FROM customers c WHERE c.id = ANY (ARRAY(SELECT id FROM found)) ORDER BY c.id FOR NO KEY UPDATE
   ), sender AS (
     SELECT f.n, l.* FROM found f LEFT JOIN locked l ON l.id = f.id
   ), previous AS MATERIALIZED (
     SELECT s.n, s.id, consent_state_now(s.id, 'sms', i.scope) AS state
       FROM sender s JOIN input i ON i.n = s.n
      WHERE s.id IS NOT NULL
   ), appended AS (
     INSERT INTO consent_events (customer_id, channel, scope, state, source, evidence, at)
     SELECT p.id, 'sms', i.scope, i.state, 'sms_keyword', i.evidence, i.at FROM previous p JOIN input i ON i.n = p.n
   ), claimed AS (
     ${CLAIM('FROM input i JOIN sender s ON s.n = i.n')}
   ), stored AS (
     INSERT INTO inbound_messages (customer_id, channel, provider, provider_ref, from_address, to_address, body, intent, received_at)
     SELECT s.id, 'sms', 'twilio', i.sid, i.sender, i.recipient, i.body, i.intent, i.at
       FROM input i JOIN sender s ON s.n = i.n JOIN claimed k ON k.provider_ref = i.sid
     RETURNING provider_ref
   ), changed AS (
     SELECT p.n FROM previous p JOIN input i ON i.n = p.n WHERE p.state IS DISTINCT FROM i.state
   ), reply AS (
     INSERT INTO contact_attempts (id, customer_id, purpose, channel, provider, status, template_key, template_version, attempted_at, updated_at)
     SELECT i.reply_id, s.id, 'service', 'sms', 'twilio', 'sent', i.reply_template, i.reply_versions ->> s.locale, i.at, i.at
       FROM changed c JOIN input i ON i.n = c.n JOIN sender s ON s.n = c.n
      WHERE EXISTS (SELECT 1 FROM stored WHERE provider_ref = i.sid)
   ), changed_events AS (
     -- consent.changed for subscribers, as ConsentService.record writes it (consentChanged).
     INSERT INTO events (type, customer_id, occurred_at, data)
     SELECT 'consent.changed', s.id, i.at, jsonb_build_object('customerId', s.id, 'channel', 'sms', 'scope', i.scope,
              'state', i.state, 'source', 'sms_keyword', 'at', to_char(i.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
       FROM changed c JOIN input i ON i.n = c.n JOIN sender s ON s.n = c.n
     RETURNING id, seq, type, customer_id, occurred_at
   ), changed_deliveries AS (
     ${DELIVERIES_OF('changed_events')}
   )
   SELECT EXISTS (SELECT 1 FROM stored WHERE provider_ref = i.sid) AS "stored",
          EXISTS (SELECT 1 FROM changed c WHERE c.n = i.n) AS "changed",
          s.*
     FROM input i JOIN sender s ON s.n = i.n`,
);

/** A message on its sender's timeline, and the reply it earns logged: after a fraud answer. */
const KEEP = new PreparedStatement<{ n: number; stored: boolean }>(
  'inbound-sms.keep',
  `WITH input AS (
     SELECT * FROM json_to_recordset($1::json) AS i(${MESSAGE_COLUMNS}, customer_id uuid, intent text, subject_ref text,
       at timestamptz, reply_id uuid, reply_template text, reply_version text)
   ), claimed AS (
     ${CLAIM('FROM input i')}
   ), stored AS (
     INSERT INTO inbound_messages (customer_id, channel, provider, provider_ref, from_address, to_address, body, intent, subject_ref, received_at)
     SELECT i.customer_id, 'sms', 'twilio', i.sid, i.sender, i.recipient, i.body, i.intent, i.subject_ref, i.at
       FROM input i JOIN claimed k ON k.provider_ref = i.sid
     RETURNING provider_ref
   ), reply AS (
     INSERT INTO contact_attempts (id, customer_id, subject_ref, purpose, channel, provider, status, template_key, template_version, attempted_at, updated_at)
     SELECT i.reply_id, i.customer_id, i.subject_ref, 'service', 'sms', 'twilio', 'sent', i.reply_template, i.reply_version, i.at, i.at
       FROM input i
      WHERE i.customer_id IS NOT NULL AND i.reply_template IS NOT NULL AND EXISTS (SELECT 1 FROM stored WHERE provider_ref = i.sid)
   )
   SELECT i.n, EXISTS (SELECT 1 FROM stored WHERE provider_ref = i.sid) AS "stored" FROM input i`,
);

/**
 * A batch as a statement's JSON input (MESSAGE_COLUMNS and `fields`). The reply each message may
 * earn is logged as an attempt with an id made as the dispatcher makes its own (`reply_id`, from
 * the reply's instant), so a look-up by that id reads its month, not every month kept. A MessageSid twice in one
 * batch is Twilio retrying while the first is written: only the first goes in, and the retry
 * reads as seen (no row comes back for its `n`).
 */
function statementInput<T extends { sms: InboundSms }>(batch: T[], fields: (item: T) => object = () => ({})): string {
  const sids = new Set<string>();
  return JSON.stringify(
    batch.flatMap((item, n) => {
      const { messageSid, from, to, body } = item.sms;
      if (sids.has(messageSid)) return [];
      sids.add(messageSid);
      return [{ n, sid: messageSid, sender: from, recipient: to ?? null, body, ...fields(item) }];
    }),
  );
}

/** Indexes of `items` in rounds where no key appears twice: the k-th item of each key goes in round k. */
function rounds<T>(items: T[], key: (item: T) => string): number[][] {
  const seen = new Map<string, number>();
  const result: number[][] = [];
  items.forEach((item, n) => {
    const k = key(item);
    const round = seen.get(k) ?? 0;
    seen.set(k, round + 1);
    (result[round] ??= []).push(n);
  });
  return result;
}

/** The rows of a batch statement by `n`, one per item of the batch: `seen` where none came back. */
function byItem<Row extends { n: number }, Out>(size: number, rows: Row[], read: (row: Row) => Out, seen: Out): Out[] {
  const found = new Map(rows.map((row) => [row.n, row]));
  return Array.from({ length: size }, (_, n) => {
    const row = found.get(n);
    return row ? read(row) : seen;
  });
}

/**
 * The inbound_messages timeline and the reads an SMS reply needs. Twilio's webhook is the
 * busiest write Herald takes, so a reply is read, acted on (a consent keyword), kept and its
 * answer logged in one statement, and the replies that arrive while one such statement runs
 * share the next: one round trip and one commit for the batch.
 */
@Injectable()
export class InboundMessageStore {
  private readonly records = new GroupCommit<PendingRecord, RecordedInbound>((batch) => this.recordBatch(batch), {
    maxBatch: 64,
    concurrent: 1,
  });
  private readonly keywords = new GroupCommit<ConsentKeyword, RecordedKeyword>((batch) => this.keywordBatch(batch), {
    maxBatch: 64,
    concurrent: 1,
  });

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Finds the sender, keeps the message unless its MessageSid was seen (or, for a Y/N, a
   * verification is open: then only the open cases are returned), and logs the reply it earns.
   */
  record(sms: InboundSms, record: InboundRecord, at: Date): Promise<RecordedInbound> {
    return this.records.submit({ sms, record, at });
  }

  /** Records a consent keyword on the sender's ledger and timeline (see CONSENT_KEYWORDS). */
  consentKeyword(keyword: ConsentKeyword): Promise<RecordedKeyword> {
    return this.keywords.submit(keyword);
  }

  /** Keeps a message on its sender's timeline and logs its reply; false for a MessageSid seen before. */
  async keep(
    sms: InboundSms,
    customer: Customer | null,
    record: Omit<InboundRecord, 'holdIfCasesOpen'>,
    at: Date,
  ): Promise<boolean> {
    const input = statementInput([{ sms }], () => ({
      customer_id: customer?.id ?? null,
      intent: customer ? record.intent : record.unknownSenderIntent,
      subject_ref: record.subjectRef ?? null,
      at,
      reply_id: attemptIdAt(at),
      reply_template: record.reply?.template ?? null,
      reply_version: customer ? (record.reply?.versions[customer.locale] ?? null) : null,
    }));
    const [row] = await KEEP.run(this.db, [input]);
    return row.stored;
  }

  /** One statement a round: a round names each phone once, so each sender once. */
  private async keywordBatch(batch: ConsentKeyword[]): Promise<RecordedKeyword[]> {
    const recorded: RecordedKeyword[] = new Array(batch.length);
    for (const round of rounds(batch, (keyword) => keyword.sms.from)) {
      const keywords = round.map((n) => batch[n]);
      const input = statementInput(keywords, ({ intent, scope, state, sms, confirmation, at }) => ({
        intent,
        scope,
        state,
        evidence: { messageSid: sms.messageSid, keyword: sms.body.trim() },
        at,
        reply_id: attemptIdAt(at),
        reply_template: confirmation.template,
        reply_versions: confirmation.versions,
      }));
      const rows = await CONSENT_KEYWORDS.run(this.db, [input]);
      byItem(keywords.length, rows, (row) => ({ stored: row.stored, changed: row.changed, customer: this.customer(row) }), {
        stored: false,
        changed: false,
        customer: null,
      }).forEach((outcome, k) => (recorded[round[k]] = outcome));
    }
    return recorded;
  }

  private async recordBatch(batch: PendingRecord[]): Promise<RecordedInbound[]> {
    const input = statementInput(batch, ({ record, at }) => ({
      intent: record.intent,
      unknown_intent: record.unknownSenderIntent,
      subject_ref: record.subjectRef ?? null,
      at,
      hold: record.holdIfCasesOpen === true,
      reply_id: attemptIdAt(at),
      reply_template: record.reply?.template ?? null,
      reply_versions: record.reply?.versions ?? {},
    }));
    const rows = await RECORD.run(this.db, [input]);
    return byItem(batch.length, rows, (row) => this.recorded(row), { stored: false, customer: null, openCases: [] });
  }

  private recorded(row: RecordRow): RecordedInbound {
    return {
      stored: row.stored,
      customer: this.customer(row),
      openCases: row.openCases.map((c) => ({
        id: c.id,
        reference: c.reference,
        txn: {
          amount: c.amount,
          currency: c.currency,
          merchant: c.merchant,
          at: new Date(c.at).toISOString(),
          reference: c.reference,
        },
      })),
    };
  }

  private customer(row: CustomerRow): Customer | null {
    return row.id ? hydrateEntity(this.db, Customer, row) : null;
  }
}
