import { ManualClock } from '../../src/common/clock';
import { LocalWake } from '../../src/dispatch/local-wake';
import { NewTask, OutboxRepository } from '../../src/dispatch/outbox.repository';
import { eventually } from '../support/eventually';
import { suspiciousTransaction } from '../support/fraud.builders';
import { store } from '../support/outbox.builders';
import { startTestApp, TestApp } from '../support/test-app';

// Monday 23 November 2026, 10:00 in Shanghai.
const NOW = new Date('2026-11-23T02:00:00Z');

/** Urgent work queued by a process wakes that process's urgent lane on commit, not through PostgreSQL's NOTIFY. */
describe('the local wake', () => {
  describe('an urgent lane with no NOTIFY and a minute between polls', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp(
        { DISPATCH_ENABLED: 'true', DISPATCH_LANES: 'urgent', DISPATCH_POLL_MS: '60000', SMS_PER_SECOND: '0' },
        { clock: new ManualClock(NOW) },
      );
      await t.db.query('ALTER TABLE contact_tasks DISABLE TRIGGER contact_tasks_urgent');
    });
    afterAll(() => t?.close());

    it('sends the SMS of a fraud case the moment its transaction is committed', async () => {
      const customer = await store.customer(t.db);
      const key = await t.keyFor('integration');
      // Let the lane's first claim (at start) come back empty: from here it only sleeps.
      await new Promise((resolve) => setTimeout(resolve, 300));

      const { body } = await t.http
        .post('/transactions')
        .set({ Authorization: `Bearer ${key}` })
        .send(suspiciousTransaction('TXN-LOCAL-WAKE', customer.externalRef, NOW.toISOString()))
        .expect(200);

      expect(body.decision).toBe('case_opened');
      await eventually(async () => {
        const [task] = await t.db.query(`SELECT status FROM contact_tasks WHERE subject_ref = $1`, [body.caseId]);
        expect(task.status).toBe('sent');
      }, 3000);
    });
  });

  describe('when it wakes', () => {
    let t: TestApp;
    let outbox: OutboxRepository;
    let woken: number;

    beforeAll(async () => {
      t = await startTestApp();
      outbox = t.app.get(OutboxRepository);
      t.app.get(LocalWake).listen(() => woken++);
    });
    afterAll(() => t.close());
    beforeEach(() => (woken = 0));

    const task = async (purpose: NewTask['purpose']): Promise<NewTask> => ({
      customerId: (await store.customer(t.db)).id,
      purpose,
      channel: 'sms',
      templateKey: purpose === 'fraud' ? 'fraud-verification' : 'repayment-reminder-before-due',
      dueAt: NOW,
    });

    it('on the commit of the transaction that queued urgent work, not before', async () => {
      const fraud = await task('fraud');
      await t.db.transaction(async (manager) => {
        await outbox.enqueue([fraud], manager);
        expect(woken).toBe(0);
      });
      expect(woken).toBe(1);
    });

    it('on the outer commit, not when a savepoint is released', async () => {
      const fraud = await task('fraud');
      await t.db.transaction(async (manager) => {
        await manager.transaction((nested) => outbox.enqueue([fraud], nested));
        expect(woken).toBe(0);
      });
      expect(woken).toBe(1);
    });

    it('never for work that was rolled back', async () => {
      const fraud = await task('fraud');
      await expect(
        t.db.transaction(async (manager) => {
          await outbox.enqueue([fraud], manager);
          throw new Error('the flow failed');
        }),
      ).rejects.toThrow('the flow failed');
      await t.db.transaction(() => Promise.resolve());
      expect(woken).toBe(0);
    });

    it('at once outside a transaction, and never for bulk work', async () => {
      await outbox.enqueue([await task('collections')]);
      expect(woken).toBe(0);
      await outbox.enqueue([await task('fraud')]);
      expect(woken).toBe(1);
    });
  });
});
