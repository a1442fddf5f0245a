import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ContactChannel, ContactPurpose } from './contact-task.entity';
import { AttemptRecord, AttemptStatus } from './contact-attempt';
import { sql, sqlOne } from '../database/sql';
import { statusAmong } from './outbox.repository';

export interface AttemptResult {
  attemptId: string;
  /** The attempt's instant, when the caller knows it: the write then reads that month only. */
  attemptedAt?: Date;
  status: AttemptStatus;
  providerRef?: string;
  errorCode?: string;
  detail?: string;
}

/** An attempt whose fate Herald does not know, as the reconciler needs it. */
export interface UnknownAttempt {
  id: string;
  taskId: string | null;
  customerId: string;
  purpose: ContactPurpose;
  channel: ContactChannel;
  provider: string;
  recipient: string | null;
  contentHash: string | null;
  attemptedAt: Date;
  /** Tries its task has made, this one included. */
  taskAttempts: number | null;
}

/**
 * `id = <param>` where that id's attempt can be: the range attempt_since … attempt_until its id
 * gives (migration 1765031000000), so the planner reads one or two months, not every month kept.
 */
export function attemptIs(param: string): string {
  return `id = ${param} AND attempted_at >= attempt_since(${param}) AND attempted_at < attempt_until(${param})`;
}

/**
 * The contact log. An attempt is written — and its task marked `sending` — in a statement that
 * commits immediately BEFORE its own provider call: whatever happens next, the log knows that
 * message may be on its way, and nothing will send it again blindly; and nothing that had not
 * started is ever in doubt.
 */
@Injectable()
export class AttemptLogRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Opens attempts for tasks this worker still holds, in one statement for all that are about to
   * go. A task cancelled or reaped since it was claimed is not opened; the returned ids are the
   * attempts that may be sent.
   */
  async open(worker: string, attempts: AttemptRecord[], leaseUntil: Date): Promise<Set<string>> {
    if (attempts.length === 0) return new Set();
    const opened = await sql<{ id: string }>(
      this.db,
      `WITH held AS (
         UPDATE contact_tasks t
            SET status = 'sending', attempts = t.attempts + 1, lease_until = $14, updated_at = now()
          WHERE t.id = ANY($3::uuid[]) AND ${statusAmong('t', 'claimed')} AND t.claimed_by = $15
          RETURNING t.id),
       opened AS (
         INSERT INTO contact_attempts (id, customer_id, task_id, campaign_id, subject_ref, purpose, channel, provider,
                                       status, template_key, template_version, recipient, content_hash, attempted_at)
         SELECT a.id, a.customer_id, a.task_id, a.campaign_id, a.subject_ref, a.purpose, a.channel, a.provider,
                'pending', a.template_key, a.template_version, a.recipient, a.content_hash, a.attempted_at
           FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[],
                       $9::text[], $10::text[], $11::text[], $12::text[], $13::timestamptz[])
                AS a(id, customer_id, task_id, campaign_id, subject_ref, purpose, channel, provider, template_key,
                     template_version, recipient, content_hash, attempted_at)
           JOIN held ON held.id = a.task_id
         RETURNING id)
       SELECT id FROM opened`,
      [
        attempts.map((a) => a.id),
        attempts.map((a) => a.customerId),
        attempts.map((a) => a.taskId),
        attempts.map((a) => a.campaignId),
        attempts.map((a) => a.subjectRef),
        attempts.map((a) => a.purpose),
        attempts.map((a) => a.channel),
        attempts.map((a) => a.provider),
        attempts.map((a) => a.templateKey),
        attempts.map((a) => a.templateVersion),
        attempts.map((a) => a.recipient),
        attempts.map((a) => a.contentHash),
        attempts.map((a) => a.attemptedAt),
        leaseUntil,
        worker,
      ],
    );
    return new Set(opened.map((row) => row.id));
  }

  /**
   * Records what providers answered. A status moves only forward and a final one never changes
   * (`attempt_status_next`); a provider reference, once known, is kept. Returns each attempt's
   * status as it now stands (a callback may have been there first).
   */
  async record(results: AttemptResult[], manager: EntityManager = this.db.manager): Promise<Map<string, AttemptStatus>> {
    const recorded = await this.write(results, false, manager);
    return new Map(recorded.map((row) => [row.id, row.status]));
  }

  /**
   * Records what providers answered, as `record`, and marks the outcomes written for their tasks:
   * the attempts not marked before are returned as `first` — only for them may the task, the
   * profile and the plan move on. Written again after a commit whose answer was lost, or after
   * the reconciler settled the attempt, nothing moves twice.
   */
  async settle(
    results: AttemptResult[],
    manager: EntityManager,
  ): Promise<{ standing: Map<string, AttemptStatus>; first: Set<string> }> {
    const recorded = await this.write(results, true, manager);
    return {
      standing: new Map(recorded.map((row) => [row.id, row.status])),
      first: new Set(recorded.filter((row) => row.first).map((row) => row.id)),
    };
  }

  private async write(results: AttemptResult[], settle: boolean, manager: EntityManager): Promise<RecordedAttemptRow[]> {
    if (results.length === 0) return [];
    const instants = results.every((r) => r.attemptedAt) ? results.map((r) => r.attemptedAt!) : undefined;
    return sql<RecordedAttemptRow>(
      manager,
      `WITH results AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
                    AS r(id, status, provider_ref, error_code, detail, attempted_at)),
       recorded AS (${recordAttemptsFrom('results', settle, instants && { from: '$7::timestamptz', to: '$8::timestamptz' })})
       SELECT id, status, first FROM recorded`,
      [
        results.map((r) => r.attemptId),
        results.map((r) => r.status),
        results.map((r) => r.providerRef ?? null),
        results.map((r) => r.errorCode ?? null),
        results.map((r) => r.detail ?? null),
        results.map((r) => r.attemptedAt ?? null),
        ...(instants ? attemptsSpan(instants) : []),
      ],
    );
  }

  /** The attempt a delivery report names, locked until the report's transaction ends; undefined when there is none. */
  lockForReport(manager: EntityManager, attemptId: string): Promise<ReportedAttemptRow | undefined> {
    return sqlOne<ReportedAttemptRow>(
      manager,
      `SELECT customer_id, channel, purpose, attempted_at, task_id, campaign_id, provider_ref, status
           FROM contact_attempts WHERE ${attemptIs('$1')} FOR UPDATE`,
      [attemptId],
    );
  }

  /** The call reached a person (a report said so). `attemptedAt` as read back through JavaScript (nearInstant). */
  async markConnected(manager: EntityManager, attemptId: string, attemptedAt: Date): Promise<void> {
    await sql(
      manager,
      `UPDATE contact_attempts SET connected = true WHERE id = $1 AND ${nearInstant('attempted_at', '$2::timestamptz')}`,
      [attemptId, attemptedAt],
    );
  }

  /** Unknown attempts made before `before` (the provider's records have had time to settle), oldest first. */
  async unknownBefore(manager: EntityManager, before: Date, limit: number): Promise<UnknownAttempt[]> {
    return sql<UnknownAttempt>(
      manager,
      `SELECT a.id, a.task_id AS "taskId", a.customer_id AS "customerId", a.purpose, a.channel, a.provider, a.recipient,
              a.content_hash AS "contentHash", a.attempted_at AS "attemptedAt", t.attempts AS "taskAttempts"
         FROM contact_attempts a LEFT JOIN contact_tasks t ON t.id = a.task_id
        WHERE a.status = 'unknown' AND a.attempted_at < $1
        ORDER BY a.attempted_at LIMIT $2`,
      [before, limit],
    );
  }

  /**
   * Which of these provider references (Twilio SIDs) already belong to an attempt made from
   * `since` to `until`: the attempt owning a provider's record was made around the record's
   * creation, so the caller bounds the months read by the records' instants.
   */
  async knownRefs(manager: EntityManager, providers: string[], refs: string[], since: Date, until: Date): Promise<Set<string>> {
    if (refs.length === 0) return new Set();
    const rows = await sql<{ ref: string }>(
      manager,
      `SELECT provider_ref AS ref FROM contact_attempts
        WHERE provider = ANY($1::text[]) AND provider_ref = ANY($2::text[]) AND attempted_at >= $3 AND attempted_at < $4`,
      [providers, refs, since, until],
    );
    return new Set(rows.map((row) => row.ref));
  }
}

/** An attempt as a delivery report finds it. */
export interface ReportedAttemptRow {
  customer_id: string;
  channel: ContactChannel;
  purpose: ContactPurpose;
  attempted_at: Date;
  task_id: string | null;
  campaign_id: string | null;
  provider_ref: string | null;
  status: AttemptStatus;
}

/** An attempt as `recordAttemptsFrom` left it: its status now, and whether this write settled it first. */
interface RecordedAttemptRow {
  id: string;
  status: AttemptStatus;
  first: boolean;
}

/**
 * The statement behind `record` and `settle`, for the results in relation `results` (id, status,
 * provider_ref, error_code, detail, and with `span` attempted_at) — composable into a larger
 * statement. Returns (id, status, first) for each attempt. History is partitioned by month and
 * attempt ids are random: results that carry their attempts' instants are looked up in those
 * months only, not in every month kept (the dispatcher's own sends always can). `span` names the
 * parameters holding the earliest and latest of those instants (`attemptsSpan`): with them the
 * planner reads the batch's few seconds of the log whatever its statistics say. Without them, a
 * batch joined to a month it has no statistics for yet (a new month, a fresh database) was
 * planned as a scan of the whole month, once per batch. The instant may have come back through
 * JavaScript, which keeps milliseconds of PostgreSQL's microseconds: matched within one.
 */
export function recordAttemptsFrom(results: string, settle: boolean, span?: { from: string; to: string }): string {
  return `UPDATE contact_attempts a
     SET status = attempt_status_next(a.status, r.status),
         provider_ref = coalesce(a.provider_ref, r.provider_ref),
         -- What a report says about a final attempt is as stale as its status.
         error_code = CASE WHEN attempt_status_rank(a.status) = 3 THEN a.error_code ELSE coalesce(r.error_code, a.error_code) END,
         detail = CASE WHEN attempt_status_rank(a.status) = 3 THEN a.detail ELSE coalesce(r.detail, a.detail) END,
         settled_at = ${settle ? 'coalesce(a.settled_at, now())' : 'a.settled_at'},
         updated_at = now()
    FROM ${results} r
   WHERE a.id = r.id${
     span ? ` AND a.attempted_at BETWEEN ${span.from} AND ${span.to} AND ${nearInstant('a.attempted_at', 'r.attempted_at')}` : ''
   }
  -- now() is the transaction's start: a settled_at equal to it was set by this statement.
  RETURNING a.id, a.status, ${settle ? 'a.settled_at = now()' : 'false'} AS first`;
}

/** A batch's span for `recordAttemptsFrom`: its earliest and latest instants, widened by the millisecond `nearInstant` allows. */
export function attemptsSpan(instants: Date[]): [Date, Date] {
  const times = instants.map((at) => at.getTime());
  const [from, to] = times.reduce(([lo, hi], t) => [Math.min(lo, t), Math.max(hi, t)], [Infinity, -Infinity]);
  return [new Date(from - 1), new Date(to + 1)];
}

/** `column` at `instant` as JavaScript has it: PostgreSQL's microseconds cut to milliseconds. */
export function nearInstant(column: string, instant: string): string {
  return `${column} BETWEEN ${instant} - interval '1 millisecond' AND ${instant} + interval '1 millisecond'`;
}
