import {
  coversCase,
  decideCaseAccess,
  decideCustomerAccess,
  decideTake,
  decideTaskAccess,
  holds,
  TaskFacts,
} from './agent-access.rules';
import { Principal } from './role';

const agentA: Principal = { userId: 'agent-a', username: 'a', role: 'agent' };
const agentB: Principal = { userId: 'agent-b', username: 'b', role: 'agent' };
const admin: Principal = { userId: 'root', username: 'root', role: 'admin' };
const ops: Principal = { userId: 'ops', username: 'o', role: 'ops' };

const task = (over: Partial<TaskFacts> = {}): TaskFacts => ({
  id: 'task-1',
  customerId: 'customer-a',
  kind: 'fraud_verification',
  subjectRef: 'case-a',
  status: 'open',
  takenBy: 'agent-a',
  bookedBy: null,
  callBackPurpose: null,
  ...over,
});
const caseA = { id: 'case-a', customerId: 'customer-a' };
const caseB = { id: 'case-b', customerId: 'customer-b' };

describe('holds', () => {
  it('is an open task the agent took', () => {
    expect(holds(task(), 'agent-a')).toBe(true);
    expect(holds(task(), 'agent-b')).toBe(false);
    expect(holds(task({ status: 'done' }), 'agent-a')).toBe(false);
    expect(holds(task({ takenBy: null }), 'agent-a')).toBe(false);
  });

  it('counts an untaken call back as its booking agent’s, until a colleague takes it', () => {
    const callBack = task({ kind: 'call_back', takenBy: null, bookedBy: 'agent-a', subjectRef: 'callback:d1' });
    expect(holds(callBack, 'agent-a')).toBe(true);
    expect(holds(callBack, 'agent-b')).toBe(false);
    expect(holds({ ...callBack, takenBy: 'agent-b' }, 'agent-a')).toBe(false);
    expect(holds({ ...callBack, takenBy: 'agent-b' }, 'agent-b')).toBe(true);
  });
});

describe('coversCase', () => {
  it('is the case’s own task, or a fraud call back for its customer', () => {
    expect(coversCase(task(), caseA)).toBe(true);
    expect(coversCase(task({ subjectRef: 'case-other' }), caseA)).toBe(false);
    expect(coversCase(task({ kind: 'call_back', subjectRef: 'callback:d', callBackPurpose: 'fraud' }), caseA)).toBe(true);
    expect(coversCase(task({ kind: 'call_back', subjectRef: 'callback:d', callBackPurpose: 'collections' }), caseA)).toBe(false);
    expect(coversCase(task({ subjectRef: 'case-b' }), caseB)).toBe(false); // same id, another customer's task
  });
});

describe('decideCustomerAccess', () => {
  it('lets other roles through: their routes’ roles decide', () => {
    for (const actor of [admin, ops])
      expect(decideCustomerAccess(actor, { customerId: 'customer-b' }, [])).toEqual({ allowed: true });
  });

  it('refuses an agent with no task for the customer: NOT_YOUR_CUSTOMER', () => {
    expect(decideCustomerAccess(agentA, { customerId: 'customer-b' }, [])).toMatchObject({
      allowed: false,
      code: 'NOT_YOUR_CUSTOMER',
    });
    // Another agent's task for the customer is not the agent's.
    expect(decideCustomerAccess(agentB, { customerId: 'customer-a' }, [task()])).toMatchObject({ code: 'NOT_YOUR_CUSTOMER' });
  });

  it('lets an agent through a task it holds, and says which', () => {
    expect(decideCustomerAccess(agentA, { customerId: 'customer-a' }, [task()])).toEqual({ allowed: true, task: task() });
  });

  it('refuses a named task that is not an open task of the agent for this customer: NOT_YOUR_TASK', () => {
    const named = (t: TaskFacts) => decideCustomerAccess(agentA, { customerId: 'customer-a', taskId: t.id }, [t]);
    expect(named(task({ takenBy: 'agent-b' }))).toMatchObject({ code: 'NOT_YOUR_TASK' });
    expect(named(task({ status: 'done', takenBy: 'agent-b' }))).toMatchObject({ code: 'NOT_YOUR_TASK' });
    // Its own task, closed (a disposition sent twice): a conflict, not a refusal.
    expect(named(task({ status: 'done' }))).toMatchObject({ code: 'AGENT_TASK_NOT_OPEN' });
    expect(named(task({ customerId: 'customer-b' }))).toMatchObject({ code: 'NOT_YOUR_TASK' });
    expect(decideCustomerAccess(agentA, { customerId: 'customer-a', taskId: 'nope' }, [task()])).toMatchObject({
      code: 'NOT_YOUR_TASK',
    });
  });

  it('agent A settling customer B’s case through customer A: NOT_YOUR_CASE', () => {
    // A holds A's case task; the case named is B's.
    expect(decideCustomerAccess(agentA, { customerId: 'customer-a', fraudCase: caseB }, [task()])).toMatchObject({
      code: 'NOT_YOUR_CASE',
    });
    // Or posted on B's customer, where A holds nothing.
    expect(decideCustomerAccess(agentA, { customerId: 'customer-b', fraudCase: caseB }, [task()])).toMatchObject({
      code: 'NOT_YOUR_CUSTOMER',
    });
  });

  it('refuses a case that is not the held task’s, or does not exist, alike', () => {
    const collections = task({ kind: 'collections_call', subjectRef: 'collect:1' });
    expect(decideCustomerAccess(agentA, { customerId: 'customer-a', fraudCase: caseA }, [collections])).toMatchObject({
      code: 'NOT_YOUR_CASE',
    });
    expect(decideCustomerAccess(agentA, { customerId: 'customer-a', fraudCase: null }, [task()])).toMatchObject({
      code: 'NOT_YOUR_CASE',
    });
  });

  it('settles a case through its task, or the agent’s fraud call back for the customer', () => {
    expect(decideCustomerAccess(agentA, { customerId: 'customer-a', fraudCase: caseA }, [task()])).toMatchObject({
      allowed: true,
    });
    const callBack = task({
      id: 'cb',
      kind: 'call_back',
      subjectRef: 'callback:d',
      takenBy: null,
      bookedBy: 'agent-a',
      callBackPurpose: 'fraud',
    });
    expect(decideCustomerAccess(agentA, { customerId: 'customer-a', fraudCase: caseA }, [callBack])).toEqual({
      allowed: true,
      task: callBack,
    });
  });
});

describe('decideTaskAccess', () => {
  it('lets an agent work its own open task; another agent’s is NOT_YOUR_TASK; a closed one of its own is a conflict', () => {
    expect(decideTaskAccess(agentA, task())).toMatchObject({ allowed: true });
    expect(decideTaskAccess(agentB, task())).toMatchObject({ code: 'NOT_YOUR_TASK' });
    expect(decideTaskAccess(agentA, task({ status: 'done' }))).toMatchObject({ code: 'AGENT_TASK_NOT_OPEN' });
    expect(decideTaskAccess(agentB, task({ status: 'done' }))).toMatchObject({ code: 'NOT_YOUR_TASK' });
    expect(decideTaskAccess(agentA, task({ takenBy: null }))).toMatchObject({ code: 'NOT_YOUR_TASK' });
  });

  it('lets an admin open any open task, as before', () => {
    expect(decideTaskAccess(admin, task({ takenBy: 'agent-b' }))).toMatchObject({ allowed: true });
    expect(decideTaskAccess(admin, task({ status: 'cancelled' }))).toMatchObject({ code: 'AGENT_TASK_NOT_OPEN' });
  });
});

describe('decideTake', () => {
  it('takes an open task that is free or already the agent’s', () => {
    expect(decideTake('agent-a', task({ takenBy: null }))).toMatchObject({ allowed: true });
    expect(decideTake('agent-a', task())).toMatchObject({ allowed: true });
    expect(decideTake('agent-b', task())).toMatchObject({ code: 'NOT_YOUR_TASK' });
    expect(decideTake('agent-a', task({ status: 'done' }))).toMatchObject({ code: 'AGENT_TASK_NOT_OPEN' });
  });
});

describe('decideCaseAccess', () => {
  it('shows an agent a case only through a task it holds that covers it', () => {
    expect(decideCaseAccess(agentA, caseA, [task()])).toMatchObject({ allowed: true });
    expect(decideCaseAccess(agentB, caseA, [task()])).toMatchObject({ code: 'NOT_YOUR_CASE' });
    expect(decideCaseAccess(agentA, caseB, [])).toMatchObject({ code: 'NOT_YOUR_CASE' });
    expect(decideCaseAccess(ops, caseB, [])).toEqual({ allowed: true });
  });
});
