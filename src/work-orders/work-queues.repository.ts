import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sql } from '../database/sql';

export interface WorkQueueView {
  name: string;
  supervisorId: string | null;
  memberIds: string[];
}

export interface NotificationSetting {
  userId: string;
  channel: 'email' | 'sms' | 'console';
  email: string | null;
  phone: string | null;
}

/** Queues (their supervisor and staff) and how each person wants to be told. */
@Injectable()
export class WorkQueuesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Sets a queue's supervisor and staff as given, in one transaction. */
  async put(queue: WorkQueueView): Promise<WorkQueueView> {
    return this.db.transaction(async (m) => {
      await sql(
        m,
        `INSERT INTO work_queues (name, supervisor_id) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET supervisor_id = EXCLUDED.supervisor_id`,
        [queue.name, queue.supervisorId],
      );
      await sql(m, `DELETE FROM work_queue_members WHERE queue = $1 AND NOT (user_id = ANY($2::uuid[]))`, [
        queue.name,
        queue.memberIds,
      ]);
      await sql(m, `INSERT INTO work_queue_members (queue, user_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING`, [
        queue.name,
        queue.memberIds,
      ]);
      return queue;
    });
  }

  async list(): Promise<WorkQueueView[]> {
    return sql<WorkQueueView>(
      this.db,
      `SELECT q.name, q.supervisor_id AS "supervisorId",
              coalesce(array_agg(m.user_id ORDER BY m.user_id) FILTER (WHERE m.user_id IS NOT NULL), '{}') AS "memberIds"
         FROM work_queues q LEFT JOIN work_queue_members m ON m.queue = q.name
        GROUP BY q.name ORDER BY q.name`,
    );
  }

  /** Which of these ids are users (the rest are named back as problems). */
  async existingUsers(ids: string[]): Promise<Set<string>> {
    const rows = await sql<{ id: string }>(this.db, `SELECT id FROM users WHERE id = ANY($1::uuid[])`, [ids]);
    return new Set(rows.map((r) => r.id));
  }

  async putSetting(setting: NotificationSetting): Promise<NotificationSetting> {
    await sql(
      this.db,
      `INSERT INTO staff_notification_settings (user_id, channel, email, phone) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id) DO UPDATE SET channel = EXCLUDED.channel, email = EXCLUDED.email, phone = EXCLUDED.phone`,
      [setting.userId, setting.channel, setting.email, setting.phone],
    );
    return setting;
  }
}
