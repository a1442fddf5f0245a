import { DataSource } from 'typeorm';
import { AlertEpisodesRepository } from '../../src/alerts/alert-episodes.repository';
import { AlertEvaluator } from '../../src/alerts/alert-evaluator.service';
import { AlertRulesRepository } from '../../src/alerts/alert-rules.repository';
import { Clock } from '../../src/common/clock';
import { loadConfig } from '../../src/config/app-config';

/** The alert evaluator an import runs its batches through, built outside Nest (the scheduled job stays off). */
export function alertEvaluator(db: DataSource, clock: Clock): AlertEvaluator {
  const config = loadConfig({ ALERTS_JOB_ENABLED: 'false', WORK_ORDER_SWEEP_ENABLED: 'false' });
  return new AlertEvaluator(db, new AlertRulesRepository(db), new AlertEpisodesRepository(), clock, config);
}
