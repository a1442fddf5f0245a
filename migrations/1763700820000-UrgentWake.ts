import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Urgent tasks (fraud alerts) wake every dispatcher at once through LISTEN/NOTIFY instead of
 * waiting for the next poll. A trigger, so no code path that queues one can forget to.
 */
export class UrgentWake1763700820000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION contact_tasks_wake_urgent() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('herald_urgent', '');
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER contact_tasks_urgent AFTER INSERT OR UPDATE OF status, due_at ON contact_tasks
      FOR EACH ROW WHEN (NEW.priority >= 300 AND NEW.status = 'pending')
      EXECUTE FUNCTION contact_tasks_wake_urgent()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER contact_tasks_urgent ON contact_tasks`);
    await q.query(`DROP FUNCTION contact_tasks_wake_urgent()`);
  }
}
