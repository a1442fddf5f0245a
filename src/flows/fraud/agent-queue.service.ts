import { Injectable } from '@nestjs/common';
import { AccessRefusedError, AgentAccessService, ListScope } from '../../auth/agent-access.service';
import { ACCESS_REFUSALS } from '../../auth/agent-access.rules';
import { Clock } from '../../common/clock';
import { PageQuery } from '../../common/pagination';
import { AgentTaskView, WorkOrdersRepository } from '../../work-orders/work-orders.repository';

/**
 * The agent desk's calls, for the API and the console alike: the list, the next task, a task taken
 * by hand or handed back. They are work orders on the desk's queue; the work-orders repository owns
 * them and their one claim.
 */
@Injectable()
export class AgentQueueService {
  constructor(
    private readonly tasks: WorkOrdersRepository,
    private readonly access: AgentAccessService,
    private readonly clock: Clock,
  ) {}

  list(status: 'open' | 'done', page: PageQuery, scope?: ListScope) {
    return this.tasks.listTasks(status, page, scope?.heldBy);
  }

  /** The most urgent free task, now the agent's; none when the queue is empty. */
  async takeNext(agentId: string): Promise<AgentTaskView | null> {
    return (await this.tasks.takeNextTask(agentId, this.clock.now())) ?? null;
  }

  /**
   * Hands a task the agent holds back to the queue (another agent will call), or says why not: 404,
   * closed (409), not the agent's to hand back — free, or a colleague's (403 NOT_YOUR_TASK).
   */
  async release(taskId: string, agentId: string): Promise<AgentTaskView> {
    const released = await this.tasks.releaseTask(taskId, agentId, this.clock.now());
    if (released) return released;
    await this.access.assertTakeable(agentId, taskId);
    throw new AccessRefusedError('NOT_YOUR_TASK', ACCESS_REFUSALS.NOT_YOUR_TASK);
  }

  /** Takes the task, or says why not: 404, another agent's (403 NOT_YOUR_TASK), closed (409). */
  async take(taskId: string, agentId: string): Promise<AgentTaskView> {
    const taken = await this.tasks.takeTask(taskId, agentId, this.clock.now());
    if (taken) return taken;
    await this.access.assertTakeable(agentId, taskId);
    // Taken by someone else between the two statements.
    throw new AccessRefusedError('NOT_YOUR_TASK', ACCESS_REFUSALS.NOT_YOUR_TASK);
  }
}
