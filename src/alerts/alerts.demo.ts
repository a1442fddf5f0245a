import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { WorkOrdersService } from '../work-orders/work-orders.service';
import { WorkQueuesService } from '../work-orders/work-queues.service';
import { sql, sqlOf, sqlOne } from '../database/sql';
import { WorkOrdersRepository } from '../work-orders/work-orders.repository';
import { PURPOSE_PRIORITY } from '../dispatch/contact-task.entity';
import { AlertEpisodesRepository } from './alert-episodes.repository';
import { AlertRulesService } from './alert-rules.service';
import { CreateAlertRuleDto } from './dto/create-alert-rule.dto';

/** Three rules a risk desk starts from: one on a stored field, one on a raised level, one the calendar moves. */
const DEMO_RULES: Omit<CreateAlertRuleDto, 'closeOnExit' | 'enabled'>[] = [
  {
    name: 'Past due 30+, medium or high risk',
    rule: {
      all: [
        { field: 'daysPastDue', op: 'gte', value: 30 },
        { field: 'riskLevel', op: 'in', value: ['medium', 'high'] },
      ],
    },
    severity: 'high',
    queue: 'risk-desk',
    slaMinutes: 240,
  },
  {
    name: 'High risk with a blocked or held card',
    rule: {
      all: [
        { field: 'riskLevel', op: 'eq', value: 'high' },
        { field: 'cardStatus', op: 'in', value: ['blocked', 'on_hold'] },
      ],
    },
    severity: 'critical',
    queue: 'risk-desk',
    slaMinutes: 60,
  },
  {
    name: 'Card dormant 90 days (churn risk)',
    rule: { field: 'daysSinceLastCardActivity', op: 'gte', value: 90 },
    severity: 'low',
    queue: 'retention',
    slaMinutes: 2880,
  },
];

/**
 * The demo's risk desk: queues with the demo agent as staff and demo-ops as supervisor, the three
 * rules evaluated over the book (so they have fired), and a work order of each kind waiting — an
 * alert's, a customer's free-text reply's and an agent-recorded complaint's. Idempotent.
 */
export async function ensureDemoRiskDesk(app: INestApplication, db: DataSource): Promise<string> {
  const [{ manager, agent, ops }] = await sql<{ manager: string; agent: string; ops: string }>(
    db,
    `SELECT (SELECT id FROM users WHERE username = 'demo-manager') AS manager,
            (SELECT id FROM users WHERE username = 'demo-agent') AS agent,
            (SELECT id FROM users WHERE username = 'demo-ops') AS ops`,
  );
  const queues = app.get(WorkQueuesService);
  for (const name of ['risk-desk', 'retention', 'customer-care']) {
    await queues.put(name, { supervisorId: ops, memberIds: [agent] });
  }
  const rules = app.get(AlertRulesService);
  const episodes = app.get(AlertEpisodesRepository);
  const now = app.get(Clock).now();
  for (const rule of DEMO_RULES) {
    const exists = await sqlOne<object>(db, 'SELECT 1 FROM alert_rules WHERE name = $1', [rule.name]);
    if (exists) continue;
    const saved = await rules.create({ ...rule, closeOnExit: true, enabled: true }, manager);
    await db.transaction((m) => episodes.evaluate(sqlOf(m), saved, 'book', now));
  }
  const orders = app.get(WorkOrdersService);
  const [customer] = await sql<{ id: string }>(
    db,
    `SELECT id FROM customers WHERE phone IS NOT NULL AND country = 'CN' ORDER BY external_ref OFFSET 1 LIMIT 1`,
  );
  await orders.openForReply(customer.id, 'DEMO-SMS-1', '上个月的年费为什么扣了两次？请尽快回电。');
  const complaint = await sqlOne<object>(db, `SELECT 1 FROM work_orders WHERE kind = 'complaint'`);
  if (!complaint) {
    await orders.recordComplaint(
      customer.id,
      { summary: 'late fee charged after paying on the due date', severity: 'medium' },
      { userId: ops, username: 'demo-ops', role: 'ops' },
    );
  }
  // A call back the demo agent booked with a customer in collections: on the desk, due in an hour.
  const booked = await sqlOne<object>(db, `SELECT 1 FROM work_orders WHERE kind = 'call_back'`);
  if (!booked) {
    const debtor = await sqlOne<{ id: string }>(
      db,
      `SELECT id FROM customers WHERE phone IS NOT NULL AND days_past_due > 0 ORDER BY external_ref LIMIT 1`,
    );
    if (debtor) {
      const callBackAt = new Date(now.getTime() + 3_600_000);
      await db.transaction(async (m) => {
        const [{ id }] = await sql<{ id: string }>(
          m,
          `INSERT INTO customer_dispositions (customer_id, code, purpose, call_back_at, agent_id, at, note)
           VALUES ($1, 'call_back_at', 'collections', $2, $3, $4, 'asked to be called after work') RETURNING id`,
          [debtor.id, callBackAt, agent, now],
        );
        await app.get(WorkOrdersRepository).createTask(m, {
          customerId: debtor.id,
          kind: 'call_back',
          priority: PURPOSE_PRIORITY.collections,
          subjectRef: `callback:${id}`,
          createdAt: now,
          dueAt: callBackAt,
        });
      });
    }
  }
  const counts = await sql<{ kind: string; n: number }>(
    db,
    `SELECT kind, count(*)::int AS n FROM work_orders WHERE closed_at IS NULL GROUP BY kind ORDER BY kind`,
  );
  return (
    `Risk desk: ${DEMO_RULES.length} alert rules (GET /alert-rules); open work orders ${counts
      .map((c) => `${c.n} ${c.kind}`)
      .join(', ')} (GET /work-orders, POST /work-orders/next as demo-agent;\n` +
    `  the fraud calls, call backs and collection calls among them are taken on the agent desk).\n`
  );
}
