import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { FraudCasesQuery } from '../../flows/fraud/fraud-cases.query';
import { OpsDashboardRepository } from './ops-dashboard.repository';
import { BAR_WIDTH, CHART_HEIGHT, humanDuration, optOutRates, volumesByHour } from './ops-dashboard.rules';

const DAY_MS = 86_400_000;

/**
 * Volumes by channel and hour, fraud time-to-answer and the opt-out rate: the revocations customers
 * made (CUSTOMER_REVOCATION_SOURCES) over the contacts sent on that channel, both in the last 7 days.
 */
@Injectable()
export class OpsDashboardService {
  constructor(
    private readonly figures: OpsDashboardRepository,
    private readonly clock: Clock,
    private readonly fraudCases: FraudCasesQuery,
  ) {}

  async dashboard(zone: string) {
    const now = this.clock.now();
    const hourStart = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 - 23 * 3_600_000);
    const weekAgo = new Date(now.getTime() - 7 * DAY_MS);
    const [hours, revoked, sent, fraud] = await Promise.all([
      this.figures.attemptsByHour(hourStart, now),
      this.figures.customerRevocations(weekAgo, now),
      this.figures.sent(weekAgo, now),
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
