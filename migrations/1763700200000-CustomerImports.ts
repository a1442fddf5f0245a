import { MigrationInterface, QueryRunner } from 'typeorm';

/** Bulk imports of the customer book as jobs, with the rows they refused. */
export class CustomerImports1763700200000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE customer_imports (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        format          text NOT NULL CHECK (format IN ('csv', 'ndjson')),
        mode            text NOT NULL CHECK (mode IN ('partial', 'all_or_nothing')),
        status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
        -- Rows read so far, and of those the ones written (inserted or changed) and refused.
        rows_done       integer NOT NULL DEFAULT 0 CHECK (rows_done >= 0),
        rows_inserted   integer NOT NULL DEFAULT 0 CHECK (rows_inserted >= 0),
        rows_updated    integer NOT NULL DEFAULT 0 CHECK (rows_updated >= 0),
        rejected_count  integer NOT NULL DEFAULT 0 CHECK (rejected_count >= 0),
        -- The expected total: as the caller declared it, or extrapolated from the body's length.
        rows_total      integer CHECK (rows_total >= 0),
        rows_total_basis text NOT NULL DEFAULT 'unknown' CHECK (rows_total_basis IN ('declared', 'estimated', 'counted', 'unknown')),
        bytes_done      bigint NOT NULL DEFAULT 0 CHECK (bytes_done >= 0),
        bytes_total     bigint CHECK (bytes_total >= 0),
        error_code      text,
        error_message   text,
        -- For a file the import could not read: the columns or fields at fault.
        error_details   jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(error_details) = 'array'),
        created_by      uuid,
        created_at      timestamptz NOT NULL DEFAULT now(),
        started_at      timestamptz,
        finished_at     timestamptz,
        -- Touched on every batch: a running import that stops touching it has died with its process.
        heartbeat_at    timestamptz NOT NULL DEFAULT now(),
        CHECK (rows_inserted + rows_updated + rejected_count <= rows_done),
        CHECK ((status IN ('succeeded', 'failed')) = (finished_at IS NOT NULL)),
        CHECK (status = 'queued' OR started_at IS NOT NULL),
        CHECK ((status = 'failed') = (error_code IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX customer_imports_created_idx ON customer_imports (created_at DESC, id DESC)`);
    await q.query(
      `CREATE INDEX customer_imports_unfinished_idx ON customer_imports (heartbeat_at) WHERE status IN ('queued', 'running')`,
    );

    await q.query(`
      CREATE TABLE customer_import_rejections (
        import_id     uuid NOT NULL REFERENCES customer_imports (id) ON DELETE CASCADE,
        -- 1-based position among the file's data rows (the CSV header is not a row).
        row_number    integer NOT NULL CHECK (row_number >= 1),
        field         text NOT NULL,
        reason        text NOT NULL,
        external_ref  text,
        PRIMARY KEY (import_id, row_number, field)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE customer_import_rejections`);
    await q.query(`DROP TABLE customer_imports`);
  }
}
