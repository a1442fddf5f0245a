import { Module } from '@nestjs/common';
import { AlertEpisodesRepository } from './alert-episodes.repository';
import { AlertEvaluator } from './alert-evaluator.service';
import { AlertRulesController } from './alert-rules.controller';
import { AlertRulesRepository } from './alert-rules.repository';
import { AlertRulesService } from './alert-rules.service';

/** Risk early warning: alert rules in the segment language, their episodes, on change and on schedule. */
@Module({
  controllers: [AlertRulesController],
  providers: [AlertRulesRepository, AlertEpisodesRepository, AlertRulesService, AlertEvaluator],
  exports: [AlertEvaluator],
})
export class AlertsModule {}
