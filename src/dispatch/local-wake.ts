import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, EntitySubscriberInterface } from 'typeorm';
import { TransactionCommitEvent } from 'typeorm/subscriber/event/TransactionCommitEvent';
import { TransactionRollbackEvent } from 'typeorm/subscriber/event/TransactionRollbackEvent';

/** Set on a transaction's query runner when it queued urgent work. */
const URGENT_QUEUED = 'heraldUrgentQueued';

/**
 * Urgent work queued by this process wakes this process's urgent lane the moment it is
 * committed. The trigger's NOTIFY still tells every instance, but PostgreSQL delivers it only when
 * the listening backend is next scheduled: up to 100 ms late on a server busy with a campaign.
 */
@Injectable()
export class LocalWake implements EntitySubscriberInterface {
  private listener: (() => void) | undefined;

  constructor(@InjectDataSource() db: DataSource) {
    db.subscribers.push(this);
  }

  /** The urgent lane of this process, if it runs here. */
  listen(listener: () => void): void {
    this.listener = listener;
  }

  /** Urgent tasks were written through `manager`: wake the lane once they are committed. */
  queued(manager: EntityManager): void {
    const runner = manager.queryRunner;
    if (runner?.isTransactionActive) runner.data[URGENT_QUEUED] = true;
    else this.listener?.();
  }

  afterTransactionCommit({ queryRunner }: TransactionCommitEvent): void {
    // A savepoint's release is not the commit.
    if (queryRunner.isTransactionActive || !queryRunner.data[URGENT_QUEUED]) return;
    delete queryRunner.data[URGENT_QUEUED];
    this.listener?.();
  }

  afterTransactionRollback({ queryRunner }: TransactionRollbackEvent): void {
    if (!queryRunner.isTransactionActive) delete queryRunner.data[URGENT_QUEUED];
  }
}
