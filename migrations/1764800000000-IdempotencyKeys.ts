import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The `Idempotency-Key` of POSTs that contact customers or record money or consent facts
 * (src/idempotency/). A key belongs to the user whose API key sent it; the primary key is what
 * makes concurrent duplicates act once: the first insert wins, the others see its row. A row is
 * `running` while its request acts and `done` with the first response once it has answered;
 * a request that failed leaves no row, so its key may be tried again.
 */
export class IdempotencyKeys1764800000000 implements MigrationInterface {
  name = 'IdempotencyKeys1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_keys (
        principal_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        key             text NOT NULL CHECK (key ~ '^[!-~]{1,255}$'),
        request_hash    text NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
        state           text NOT NULL CHECK (state IN ('running', 'done')),
        response_status integer CHECK (response_status BETWEEN 200 AND 299),
        -- json, not jsonb: a replay sends the first answer's fields in their order.
        response_body   json,
        created_at      timestamptz NOT NULL,
        expires_at      timestamptz NOT NULL,
        PRIMARY KEY (principal_id, key),
        CHECK ((state = 'done') = (response_status IS NOT NULL)),
        CHECK (expires_at > created_at)
      )`);
    // The hourly sweep deletes what has expired.
    await q.query(`CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_keys`);
  }
}
