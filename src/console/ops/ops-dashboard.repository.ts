import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CUSTOMER_REVOCATION_SOURCES } from '../../compliance/consent-event.entity';
import { READ_DATABASE } from '../../database/database.module';
import { sql } from '../../database/sql';
import { ContactChannel } from '../../dispatch/contact-task.entity';
import { HourCount } from './ops-dashboard.rules';

/** What "reached the customer" means for the opt-out rate: the provider took it. */
const NOT_SENT = `('pending', 'failed', 'canceled')`;

export interface ChannelCount {
  channel: ContactChannel;
  count: number;
}

/** The dashboard's figures. A report: it may lag a little (a replica if there is one). */
@Injectable()
export class OpsDashboardRepository {
  constructor(@Inject(READ_DATABASE) private readonly db: DataSource) {}

  /** Attempts per UTC hour and channel in [from, to]. */
  attemptsByHour(from: Date, to: Date): Promise<HourCount[]> {
    return sql<HourCount>(
      this.db,
      `SELECT floor(extract(epoch FROM attempted_at) / 3600)::int AS hour, channel, count(*)::int AS count
           FROM contact_attempts WHERE attempted_at >= $1 AND attempted_at <= $2 GROUP BY 1, 2`,
      [from, to],
    );
  }

  /** Revocations customers made themselves (CUSTOMER_REVOCATION_SOURCES) per channel in [from, to]. */
  customerRevocations(from: Date, to: Date): Promise<ChannelCount[]> {
    return sql<ChannelCount>(
      this.db,
      `SELECT channel, count(*)::int AS count FROM consent_events
          WHERE state = 'revoked' AND source = ANY($3) AND at >= $1 AND at <= $2 GROUP BY channel`,
      [from, to, CUSTOMER_REVOCATION_SOURCES],
    );
  }

  /** Contacts that reached the provider per channel in [from, to]. */
  sent(from: Date, to: Date): Promise<ChannelCount[]> {
    return sql<ChannelCount>(
      this.db,
      `SELECT channel, count(*)::int AS count FROM contact_attempts
          WHERE attempted_at >= $1 AND attempted_at <= $2 AND status NOT IN ${NOT_SENT} GROUP BY channel`,
      [from, to],
    );
  }
}
