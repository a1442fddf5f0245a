import { defineSchema, s } from '../common/api-responses';

/** Work orders, queues and staff notifications as the API answers them (OpenAPI success schemas). */
export const WORK_ORDER = defineSchema(
  'WorkOrder',
  s.object({
    id: s.uuid(),
    kind: s.string(),
    customerId: s.uuid(),
    alertRuleId: s.nullable(s.uuid()),
    sourceRef: s.nullable(s.string()),
    summary: s.string(),
    severity: s.string(),
    queue: s.string(),
    status: s.string(),
    assigneeId: s.nullable(s.uuid()),
    openedAt: s.instant(),
    dueBy: s.instant(),
    firstActionAt: s.nullable(s.instant()),
    closedAt: s.nullable(s.instant()),
    escalatedAt: s.nullable(s.instant()),
    outcome: s.nullable(s.string()),
    note: s.nullable(s.string()),
    breached: s.boolean(),
  }),
);

/** One order with its history, oldest first. */
export const WORK_ORDER_DETAIL = defineSchema('WorkOrderDetail', {
  allOf: [
    s.ref(WORK_ORDER),
    s.object({ history: s.array(s.object({ at: s.instant(), actorId: s.nullable(s.uuid()), action: s.string() })) }),
  ],
});

export const WORK_ORDER_STATS = defineSchema(
  'WorkOrderStats',
  s.object({
    at: s.instant(),
    from: s.string(),
    to: s.string(),
    groups: s.array(s.map()),
    zone: s.string(),
    daily: s.array(s.map()),
  }),
);

export const WORK_QUEUE = defineSchema(
  'WorkQueue',
  s.object({ name: s.string(), supervisorId: s.nullable(s.uuid()), memberIds: s.array(s.uuid()) }),
);

export const NOTIFICATION_SETTING = defineSchema(
  'StaffNotificationSetting',
  s.object({ userId: s.uuid(), channel: s.string(), email: s.nullable(s.string()), phone: s.nullable(s.string()) }),
);

export const STAFF_NOTIFICATION = defineSchema(
  'StaffNotification',
  s.object({ id: s.uuid(), workOrderId: s.uuid(), stage: s.string(), channel: s.string(), status: s.string() }),
);
