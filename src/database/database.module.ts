import { DynamicModule, Global, Inject, Injectable, Module, OnModuleDestroy } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

/**
 * Where the reads that may lag go: the console's reports and dashboard, the contact log and its
 * exports, reachability counts and segment previews. A streaming replica when DATABASE_READ_URL
 * is set, else the primary. Never a write, and never a read that must see what its caller just
 * wrote (a replica replays the primary's WAL some milliseconds — or, under load, seconds — behind).
 */
export const READ_DATABASE = Symbol('READ_DATABASE');

/** Closes the replica's pool with the application (the primary's is TypeORM's own). */
@Injectable()
class ReadDatabaseCloser implements OnModuleDestroy {
  constructor(@Inject(READ_DATABASE) private readonly reads: DataSource) {}

  async onModuleDestroy(): Promise<void> {
    if (this.reads.options.extra?.application_name === 'herald-read' && this.reads.isInitialized) await this.reads.destroy();
  }
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(url: string, readUrl?: string): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [TypeOrmModule.forRoot(dataSourceOptions(url))],
      providers: [
        readUrl
          ? {
              provide: READ_DATABASE,
              // No migrations and no entities' writes here: a hot standby refuses them anyway.
              useFactory: () =>
                new DataSource(
                  dataSourceOptions(readUrl, { migrations: [], extra: { max: 5, application_name: 'herald-read' } }),
                ).initialize(),
            }
          : { provide: READ_DATABASE, useExisting: getDataSourceToken() },
        ReadDatabaseCloser,
      ],
      exports: [READ_DATABASE],
    };
  }
}
