import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';
import { READ_DATABASE } from '../../database/database.module';
import { CUSTOMER_REVOCATION_SOURCES } from '../../compliance/consent-event.entity';
import { FraudCasesQuery } from '../../flows/fraud/fraud-cases.query';
import { BAR_WIDTH, CHART_HEIGHT, humanDuration, optOutRates, volumesByHour } from './ops-dashboard.rules';

const DAY_MS = 86_400_000;
/** What "reached the customer" means for the opt-out rate: the provider took it. */
const NOT_SENT = `('pending', 'failed', 'canceled')`;

/**
 * Volumes by channel and hour, fraud time-to-answer and the opt-out rate: the revocations customers
 * made (CUSTOMER_REVOCATION_SOURCES) over the contacts sent on that channel, both in the last 7 days.
 */
@Injectable()
export class OpsDashboardService {
  constructor(
    /** A report: it may lag a little (a replica if there is one). */
    @Inject(READ_DATABASE) private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly fraudCases: FraudCasesQuery,
  ) {}

  async dashboard(zone: string) {
    const now = this.clock.now();
    const hourStart = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 - 23 * 3_600_000);
    const weekAgo = new Date(now.getTime() - 7 * DAY_MS);
    const [hours, revoked, sent, fraud] = await Promise.all([
      this.db.query(
        `SELECT floor(extract(epoch FROM attempted_at) / 3600)::int AS hour, channel, count(*)::int AS count
           FROM contact_attempts WHERE attempted_at >= $1 AND attempted_at <= $2 GROUP BY 1, 2`,
        [hourStart, now],
      ),
      this.db.query(
        `SELECT channel, count(*)::int AS count FROM consent_events
          WHERE state = 'revoked' AND source = ANY($3) AND at >= $1 AND at <= $2 GROUP BY channel`,
        [weekAgo, now, CUSTOMER_REVOCATION_SOURCES],
      ),
      this.db.query(
        `SELECT channel, count(*)::int AS count FROM contact_attempts
          WHERE attempted_at >= $1 AND attempted_at <= $2 AND status NOT IN ${NOT_SENT} GROUP BY channel`,
        [weekAgo, now],
      ),
      this.fraudCases.stats({ from: weekAgo.toISOString(), to: now.toISOString() }),
    ]);
    const bars = volumesByHour(hours, now, zone);
    return {
      zone,
      bars,
      chart: {
        width: bars.length * (BAR_WIDTH + 4) + BAR_WIDTH,
        height: CHART_HEIGHT,
        barWidth: BAR_WIDTH,
        labelY: CHART_HEIGHT + 14,
      },
      volumeTotal: bars.reduce((sum, bar) => sum + bar.total, 0),
      fraud: {
        ...fraud,
        p50: humanDuration(fraud.timeToAnswerP50Seconds),
        p90: humanDuration(fraud.timeToAnswerP90Seconds),
        byStatus: Object.entries(fraud.byStatus).map(([status, count]) => ({ status, count })),
      },
      optOuts: optOutRates(revoked, sent).map((r) => ({
        ...r,
        percent: r.rate === null ? '—' : `${(r.rate * 100).toFixed(2)} %`,
      })),
    };
  }
}
