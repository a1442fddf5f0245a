import { Module } from '@nestjs/common';
import { HistoryMaintenance } from './history-maintenance.service';
import { HistoryPartitionsRepository } from './history-partitions.repository';

/** The partitioned history: months ahead, retention by month (docs/scaling.md). */
@Module({ providers: [HistoryMaintenance, HistoryPartitionsRepository], exports: [HistoryMaintenance] })
export class HistoryModule {}
