import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { PersonalFields } from './erasure.rules';
import { sql, sqlCount, sqlOne } from '../../database/sql';

export interface ErasableCustomer extends PersonalFields {
  id: string;
  erasedAt: Date | null;
}

/** Rows redacted, by table and column. */
export type Redacted = Record<string, number>;

/** Placed where a text can only be dropped (a message body): it held more than the values we know. */
const ERASED = '[erased]';

/**
 * Redacts a customer's history, table by table, in the caller's transaction. Each value in
 * `values` gives way to its token in `tokens`; message bodies go whole. Facts the law asks to keep
 * (card transactions, payments) stay, and hold no address or name.
 */
@Injectable()
export class ErasureRepository {
  /** The customer, locked until the transaction ends: an import or a PATCH waits for the erasure. */
  async lock(manager: EntityManager, customerId: string): Promise<ErasableCustomer | undefined> {
    return sqlOne<ErasableCustomer>(
      manager,
      `SELECT id, external_ref AS "externalRef", full_name AS "fullName", phone, email, erased_at AS "erasedAt"
         FROM customers WHERE id = $1 FOR UPDATE`,
      [customerId],
    );
  }

  async redactHistory(manager: EntityManager, customerId: string, values: string[], tokens: string[]): Promise<Redacted> {
    // $1 the customer, $2 their values, $3 the tokens that replace them.
    const theirs = [customerId, values, tokens];
    const redact = (column: string) => `erase_values(${column}, $2::text[], $3::text[])`;
    const redactJson = (column: string) => `erase_values(${column}::text, $2::text[], $3::text[])::jsonb`;
    const dropped = (column: string) => `CASE WHEN ${column} IS NULL THEN NULL ELSE '${ERASED}' END`;
    const statements: [table: string, sql: string, params: unknown[]][] = [
      [
        'contact_attempts',
        `UPDATE contact_attempts SET recipient = ${redact('recipient')}, detail = ${redact('detail')}, content_hash = NULL,
                updated_at = now()
          WHERE customer_id = $1`,
        theirs,
      ],
      // Rendered messages of the sandbox: theirs by attempt, and anything sent to or from them.
      [
        'sandbox_messages',
        `UPDATE sandbox_messages SET to_address = ${redact('to_address')}, from_address = ${redact('from_address')},
                subject = ${dropped('subject')}, body = ${dropped('body')}, html = ${dropped('html')},
                headers = ${redactJson('headers')}
          WHERE attempt_id IN (SELECT id::text FROM contact_attempts WHERE customer_id = $1)
             OR to_address = ANY($2::text[]) OR from_address = ANY($2::text[])`,
        theirs,
      ],
      [
        'inbound_messages',
        `UPDATE inbound_messages SET from_address = ${redact('from_address')}, body = ${dropped('body')}
          WHERE customer_id = $1 OR from_address = ANY($2::text[])`,
        theirs,
      ],
      // The ledger stays as evidence of what the customer agreed to and when; its addresses hashed.
      ['consent_events', `UPDATE consent_events SET evidence = ${redactJson('evidence')} WHERE customer_id = $1`, theirs],
      // An agent's note is free text: it goes whole.
      [
        'customer_dispositions',
        `UPDATE customer_dispositions SET note = ${dropped('note')} WHERE customer_id = $1`,
        [customerId],
      ],
      [
        'fraud_cases',
        `UPDATE fraud_cases SET timeline = ${redactJson('timeline')}, reasons = ${redactJson('reasons')} WHERE customer_id = $1`,
        theirs,
      ],
      [
        'contact_tasks',
        `UPDATE contact_tasks SET variables = ${redactJson('variables')}, reasons = ${redactJson('reasons')} WHERE customer_id = $1`,
        theirs,
      ],
      // A reply or a complaint is the customer's own words: it goes whole; an alert's summary is Herald's.
      [
        'work_orders',
        `UPDATE work_orders SET summary = CASE WHEN kind = 'alert' THEN ${redact('summary')} ELSE '${ERASED}' END,
                note = ${dropped('note')}, reasons = ${redactJson('reasons')}
          WHERE customer_id = $1`,
        theirs,
      ],
      [
        'work_order_events',
        `UPDATE work_order_events SET detail = ${redactJson('detail')}
          WHERE work_order_id IN (SELECT id FROM work_orders WHERE customer_id = $1)`,
        theirs,
      ],
      // What subscribers are told (a consent change carries its evidence).
      ['events', `UPDATE events SET data = ${redactJson('data')} WHERE customer_id = $1`, theirs],
      // Answers kept for idempotent replays (24 h) are anyone's: found by the values they hold.
      [
        'idempotency_keys',
        `UPDATE idempotency_keys SET response_body = erase_values(response_body::text, $1::text[], $2::text[])::json
          WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) v WHERE strpos(response_body::text, v) > 0)`,
        [values, tokens],
      ],
      // Refused rows of earlier imports: not linked to the customer, found by their reference.
      [
        'customer_import_rejections',
        `UPDATE customer_import_rejections SET external_ref = erase_values(external_ref, $1::text[], $2::text[])
          WHERE external_ref = ANY($1::text[])`,
        [values, tokens],
      ],
    ];
    // The ledger's trigger lets this transaction, and only it, rewrite this customer's evidence.
    await sql(manager, `SELECT set_config('herald.erasing', $1, true)`, [customerId]);
    const redacted: Redacted = {};
    for (const [table, text, params] of statements) redacted[table] = await sqlCount(manager, text, params);
    return redacted;
  }

  /** The profile: addresses and free fields gone, the name and reference replaced by tokens. */
  async eraseProfile(manager: EntityManager, customerId: string, tokens: { name: string; ref: string }, at: Date): Promise<void> {
    await sql(
      manager,
      `UPDATE customers
          SET full_name = $2, external_ref = $3, phone = NULL, email = NULL, city = NULL, card_last4 = NULL,
              tags = '{}', attributes = '{}', contact_window = NULL, inconvenient_times = '[]',
              erased_at = $4, updated_at = now()
        WHERE id = $1`,
      [customerId, tokens.name, tokens.ref, at],
    );
  }

  async record(
    manager: EntityManager,
    erasure: { customerId: string; erasedBy: string; reason: string; redacted: Redacted; erasedAt: Date },
  ): Promise<void> {
    await sql(
      manager,
      `INSERT INTO customer_erasures (customer_id, erased_by, reason, redacted, erased_at) VALUES ($1, $2, $3, $4, $5)`,
      [erasure.customerId, erasure.erasedBy, erasure.reason, JSON.stringify(erasure.redacted), erasure.erasedAt],
    );
  }
}
