import { Module } from '@nestjs/common';
import { HistoryMaintenance } from './history-maintenance.service';

/** The partitioned history: months ahead, retention by month (docs/scaling.md). */
@Module({ providers: [HistoryMaintenance], exports: [HistoryMaintenance] })
export class HistoryModule {}
