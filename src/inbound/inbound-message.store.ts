import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Customer } from '../customers/customer.entity';
import { hydrateEntity } from '../database/entity-row.mapper';
import { PreparedStatement } from '../database/prepared-statement';
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
type RecordRow = CustomerRow & { stored: boolean; openCases: OpenCaseRow[] };

/** Several customers may share a phone: the one Herald contacted last is the one answering. */
const SENDER = `SELECT c.* FROM customers c
   WHERE c.phone = $2 AND NOT EXISTS (SELECT 1 FROM inbound_messages WHERE provider = 'twilio' AND provider_ref = $1)
   ORDER BY c.last_contact_at DESC NULLS LAST, c.created_at DESC LIMIT 1`;

const RECORD = new PreparedStatement<RecordRow>(
  'inbound-sms.record',
  `WITH sender AS (${SENDER}),
   open_cases AS (
     SELECT f.id, f.reference, t.amount::float8 AS amount, t.currency, t.merchant, t.occurred_at AS at
       FROM sender s
       JOIN fraud_cases f ON f.customer_id = s.id AND f.status IN ('open', 'escalated_ivr', 'escalated_agent')
       JOIN card_transactions t ON t.id = f.transaction_id
      WHERE $9::boolean ORDER BY f.opened_at
   ), stored AS (
     INSERT INTO inbound_messages (customer_id, channel, provider, provider_ref, from_address, to_address, body, intent, subject_ref, received_at)
     SELECT s.id, 'sms', 'twilio', $1, $2, $3, $4, CASE WHEN s.id IS NULL THEN $6 ELSE $5 END, $7, $8
       FROM (SELECT 1) one LEFT JOIN sender s ON true
      WHERE NOT EXISTS (SELECT 1 FROM open_cases)
     ON CONFLICT (provider, provider_ref) DO NOTHING
     RETURNING id
   ), reply AS (
     INSERT INTO contact_attempts (customer_id, subject_ref, purpose, channel, provider, status, template_key, template_version, attempted_at, updated_at)
     SELECT s.id, $7, 'service', 'sms', 'twilio', 'sent', $10, $11::jsonb ->> s.locale, $8, $8
       FROM sender s
      WHERE $10::text IS NOT NULL AND EXISTS (SELECT 1 FROM stored)
   )
   SELECT EXISTS (SELECT 1 FROM stored) AS "stored",
          (SELECT coalesce(json_agg(o), '[]') FROM open_cases o) AS "openCases",
          s.*
     FROM (SELECT 1) one LEFT JOIN sender s ON true`,
);

const LOCK_SENDER = new PreparedStatement<CustomerRow & { seen: boolean }>(
  'inbound-sms.lock-sender',
  `WITH sender AS (${SENDER} FOR NO KEY UPDATE OF c)
   SELECT EXISTS (SELECT 1 FROM inbound_messages WHERE provider = 'twilio' AND provider_ref = $1) AS "seen", s.*
     FROM (SELECT 1) one LEFT JOIN sender s ON true`,
);

const KEEP = new PreparedStatement<{ stored: boolean }>(
  'inbound-sms.keep',
  `WITH stored AS (
     INSERT INTO inbound_messages (customer_id, channel, provider, provider_ref, from_address, to_address, body, intent, subject_ref, received_at)
     VALUES ($1, 'sms', 'twilio', $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (provider, provider_ref) DO NOTHING
     RETURNING id
   ), reply AS (
     INSERT INTO contact_attempts (customer_id, subject_ref, purpose, channel, provider, status, template_key, template_version, attempted_at, updated_at)
     SELECT $1, $7, 'service', 'sms', 'twilio', 'sent', $9, $10, $8, $8
      WHERE $1::uuid IS NOT NULL AND $9::text IS NOT NULL AND EXISTS (SELECT 1 FROM stored)
   )
   SELECT EXISTS (SELECT 1 FROM stored) AS "stored"`,
);

/**
 * The inbound_messages timeline and the reads an SMS reply needs. Twilio's webhook is the
 * busiest write Herald takes, so a reply that changes no consent is read, kept and its answer
 * logged in one statement (one round trip, one commit).
 */
@Injectable()
export class InboundMessageStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Finds the sender, keeps the message unless its MessageSid was seen (or, for a Y/N, a
   * verification is open: then only the open cases are returned), and logs the reply it earns.
   */
  async record(sms: InboundSms, record: InboundRecord, now: Date): Promise<RecordedInbound> {
    const [row] = await RECORD.run(this.db, [
      sms.messageSid,
      sms.from,
      sms.to ?? null,
      sms.body,
      record.intent,
      record.unknownSenderIntent,
      record.subjectRef ?? null,
      now,
      record.holdIfCasesOpen === true,
      record.reply?.template ?? null,
      record.reply?.versions ?? {},
    ]);
    return {
      stored: row.stored,
      customer: row.id ? hydrateEntity(this.db, Customer, row) : null,
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

  /**
   * The sender, its row locked for the rest of `manager`'s transaction so that consent changes
   * for one customer are taken one at a time; none for a MessageSid seen before.
   */
  async lockSender(manager: EntityManager, sms: InboundSms): Promise<{ seen: boolean; customer: Customer | null }> {
    const [row] = await LOCK_SENDER.run(manager, [sms.messageSid, sms.from]);
    return { seen: row.seen, customer: row.id ? hydrateEntity(this.db, Customer, row) : null };
  }

  /** Keeps a message on the sender's timeline and logs its reply; false for a MessageSid seen before. */
  async keep(
    manager: EntityManager,
    sms: InboundSms,
    customer: Customer | null,
    record: Omit<InboundRecord, 'holdIfCasesOpen'>,
    now: Date,
  ): Promise<boolean> {
    const [row] = await KEEP.run(manager, [
      customer?.id ?? null,
      sms.messageSid,
      sms.from,
      sms.to ?? null,
      sms.body,
      customer ? record.intent : record.unknownSenderIntent,
      record.subjectRef ?? null,
      now,
      record.reply?.template ?? null,
      customer ? (record.reply?.versions[customer.locale] ?? null) : null,
    ]);
    return row.stored;
  }
}
