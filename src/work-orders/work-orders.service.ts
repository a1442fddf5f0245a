import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isScoped } from '../auth/agent-access.rules';
import { Principal } from '../auth/role';
import { Clock } from '../common/clock';
import { DomainError, NotFoundError, ValidationFailedError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { GroupCommit } from '../database/group-commit';
import { ListWorkOrdersDto } from './dto/list-work-orders.dto';
import { RecordComplaintDto } from './dto/record-complaint.dto';
import { ResolveWorkOrderDto, WorkOrderActionDto } from './dto/work-order-action.dto';
import { WorkOrderStatsQueryDto } from './dto/work-order-stats-query.dto';
import { Actor, decideTransition, isDeskKind, WorkOrderAction } from './work-order.rules';
import { NewWorkOrder, WorkOrdersRepository, WorkOrderView } from './work-orders.repository';
import { customerExists } from '../customers/customer-row.repository';

const DAY_MS = 86_400_000;

const actorOf = (principal: Principal): Actor => ({ userId: principal.userId, supervisor: !isScoped(principal) });

/** An agent asking about an order it may not see learns nothing, not even that it exists. */
const notYours = () => new DomainError('WORK_ORDER_NOT_YOURS', 'this is not a work order of your queues', HttpStatus.FORBIDDEN);

/**
 * Work orders: follow-ups with an SLA. Agents take them from their queues (the claim agent tasks
 * use), work the one they hold and resolve it with an outcome the profile keeps; supervisors
 * see and act on all. Every action is a line in the order's history.
 */
@Injectable()
export class WorkOrdersService {
  /** A reply's order shares a commit with the replies' orders that arrive while one is written. */
  private readonly replyOrders = new GroupCommit<NewWorkOrder & { sourceRef: string; at: Date }, string | undefined>(
    (batch) => this.orders.openFromSources(this.db, batch),
    { maxBatch: 64, concurrent: 1 },
  );

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly orders: WorkOrdersRepository,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  list(query: ListWorkOrdersDto, principal: Principal) {
    const { limit, offset, ...filters } = query;
    return this.orders.list(filters, { limit, offset }, this.clock.now(), isScoped(principal) ? principal.userId : undefined);
  }

  /** The order and its history. An agent: one it holds, or a free one of its queues. */
  async get(id: string, principal: Principal) {
    const order = await this.orders.get(id, this.clock.now());
    if (!order) throw new NotFoundError('work order', id);
    if (isScoped(principal) && !(await this.visibleTo(order, principal.userId))) throw notYours();
    return { ...order, history: await this.orders.history(id) };
  }

  /** The most urgent free order of the agent's queues, now the agent's; null when there is none. */
  async next(principal: Principal) {
    const id = await this.orders.claimNext(principal.userId, this.clock.now());
    return id ? this.get(id, principal) : null;
  }

  claim(id: string, principal: Principal) {
    return this.act(id, 'claim', principal);
  }

  async apply(id: string, input: WorkOrderActionDto, principal: Principal) {
    if (input.action === 'note') {
      if (!input.note) throw new ValidationFailedError([{ field: 'note', reason: 'is required with the action note' }]);
      const note = input.note;
      await this.db.transaction(async (m) => {
        const order = await this.orders.lock(m, id, this.clock.now());
        if (!order) throw new NotFoundError('work order', id);
        if (isScoped(principal) && order.assigneeId !== principal.userId) throw notYours();
        await this.orders.note(m, id, principal.userId, note, order.status, this.clock.now());
      });
      return this.get(id, principal);
    }
    return this.act(id, input.action, principal, { note: input.note });
  }

  /** Closes the order with its outcome and note, and writes the outcome to the customer's profile. */
  resolve(id: string, input: ResolveWorkOrderDto, principal: Principal) {
    return this.act(id, 'resolve', principal, { outcome: input.outcome, note: input.note });
  }

  /** A complaint an agent (through a task it holds for the customer) or ops records: an order on the customer-care queue. */
  async recordComplaint(customerId: string, input: RecordComplaintDto, principal: Principal) {
    const { customerCareQueue, defaultSlaMinutes } = this.config.workOrders;
    const id = await this.db.transaction(async (m) => {
      if (!(await customerExists(m, customerId))) throw new NotFoundError('customer', customerId);
      return this.orders.open(
        m,
        {
          kind: 'complaint',
          customerId,
          // As the person wrote it, in their language: the order's kind already says it is a complaint.
          summary: input.summary,
          severity: input.severity,
          queue: customerCareQueue,
          slaMinutes: defaultSlaMinutes,
          actorId: principal.userId,
        },
        this.clock.now(),
      );
    });
    return (await this.orders.get(id!, this.clock.now()))!;
  }

  /** A customer's free-text SMS (not a keyword): an order to answer it, once per message however Twilio retries. */
  async openForReply(customerId: string, messageSid: string, body: string): Promise<string | undefined> {
    const { customerCareQueue, defaultSlaMinutes } = this.config.workOrders;
    return this.replyOrders.submit({
      kind: 'inbound_reply',
      customerId,
      sourceRef: messageSid,
      summary: `Customer wrote: ${body.slice(0, 200)}`,
      severity: 'medium',
      queue: customerCareQueue,
      slaMinutes: defaultSlaMinutes,
      at: this.clock.now(),
    });
  }

  async stats(query: WorkOrderStatsQueryDto) {
    const now = this.clock.now();
    const to = query.to ? new Date(query.to) : now;
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * DAY_MS);
    if (from >= to) throw new ValidationFailedError([{ field: 'from', reason: 'must be before to' }]);
    const zone = this.config.workOrders.staffTimeZone;
    const [groups, daily] = await Promise.all([this.orders.stats(now, from, to), this.orders.daily(now, from, to, zone)]);
    return { at: now, from, to, groups, zone, daily };
  }

  private async act(id: string, action: WorkOrderAction, principal: Principal, extra: { outcome?: string; note?: string } = {}) {
    const now = this.clock.now();
    await this.db.transaction(async (m) => {
      const order = await this.orders.lock(m, id, now);
      if (!order) throw new NotFoundError('work order', id);
      // A desk call ends with the call's disposition (the agent desk, POST /customers/:id/dispositions); a supervisor may still cancel it.
      if (isDeskKind(order.kind) && action !== 'cancel') {
        throw new DomainError('WORK_ORDER_ON_AGENT_DESK', 'this call is worked on the agent desk', HttpStatus.CONFLICT);
      }
      if (action === 'claim' && isScoped(principal) && !(await this.orders.isMember(m, order.queue, principal.userId))) {
        throw notYours();
      }
      const decision = decideTransition(order, action, actorOf(principal));
      if (!decision.allowed) {
        const status = decision.code === 'WORK_ORDER_NOT_YOURS' ? HttpStatus.FORBIDDEN : HttpStatus.CONFLICT;
        throw new DomainError(decision.code, decision.reason, status);
      }
      const assigneeId = action === 'claim' ? principal.userId : action === 'release' ? null : order.assigneeId;
      await this.orders.transition(m, {
        id,
        status: decision.to,
        action: ACTION_WORDS[action],
        actorId: principal.userId,
        assigneeId,
        now,
        ...extra,
      });
      if (action === 'resolve') await this.orders.writeOutcomeToProfile(m, order.customerId, extra.outcome!, now);
    });
    return this.get(id, principal);
  }

  private async visibleTo(order: WorkOrderView, agentId: string): Promise<boolean> {
    if (order.assigneeId === agentId) return true;
    return order.assigneeId === null && order.closedAt === null && this.orders.isMember(this.db.manager, order.queue, agentId);
  }
}

/** The history's word for each action. */
const ACTION_WORDS: Record<WorkOrderAction, string> = {
  claim: 'claimed',
  release: 'released',
  wait: 'status_changed',
  resume: 'status_changed',
  resolve: 'resolved',
  cancel: 'cancelled',
};
