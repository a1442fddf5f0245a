import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EventType } from './event-types';
import { sql, sqlCount, sqlOne } from '../database/sql';

export interface EventSubscription {
  id: string;
  name: string;
  url: string;
  eventTypes: EventType[];
  createdBy: string | null;
  createdAt: Date;
}

const COLUMNS = `id, name, url, event_types AS "eventTypes", created_by AS "createdBy", created_at AS "createdAt"`;

/** The event_subscriptions table. The secret goes in and is read only by the courier, never out through here. */
@Injectable()
export class EventSubscriptionsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** A new subscription, or undefined when the name is taken. */
  async create(input: Omit<EventSubscription, 'id' | 'createdAt'> & { secret: string }): Promise<EventSubscription | undefined> {
    return sqlOne<EventSubscription>(
      this.db,
      `INSERT INTO event_subscriptions (name, url, event_types, secret, created_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO NOTHING RETURNING ${COLUMNS}`,
      [input.name, input.url, input.eventTypes, input.secret, input.createdBy],
    );
  }

  /** The subscription a setting describes (CORE_NOTICE_URL): created, or brought up to date. */
  async upsert(input: { name: string; url: string; eventTypes: EventType[]; secret: string }): Promise<void> {
    await sql(
      this.db,
      `INSERT INTO event_subscriptions (name, url, event_types, secret) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET url = EXCLUDED.url, event_types = EXCLUDED.event_types, secret = EXCLUDED.secret`,
      [input.name, input.url, input.eventTypes, input.secret],
    );
  }

  /** Every subscription, or those `owner` made. */
  list(owner?: string): Promise<EventSubscription[]> {
    return sql<EventSubscription>(
      this.db,
      `SELECT ${COLUMNS} FROM event_subscriptions WHERE ($1::uuid IS NULL OR created_by = $1) ORDER BY name`,
      [owner ?? null],
    );
  }

  async find(id: string, owner?: string): Promise<EventSubscription | undefined> {
    return sqlOne<EventSubscription>(
      this.db,
      `SELECT ${COLUMNS} FROM event_subscriptions WHERE id = $1 AND ($2::uuid IS NULL OR created_by = $2)`,
      [id, owner ?? null],
    );
  }

  /** Removes it with its deliveries; false when there was none (or not the owner's). */
  async remove(id: string, owner?: string): Promise<boolean> {
    const count = await sqlCount(
      this.db,
      `DELETE FROM event_subscriptions WHERE id = $1 AND ($2::uuid IS NULL OR created_by = $2)`,
      [id, owner ?? null],
    );
    return count > 0;
  }
}
