import { ManualClock } from '../../src/common/clock';
import { AgentDeskRepository } from '../../src/console/agent/agent-desk.repository';
import { Customer } from '../../src/customers/customer.entity';
import { ConversationsRepository } from '../../src/flows/outcomes/conversations.repository';
import { InboundMessageStore } from '../../src/inbound/inbound-message.store';
import { insertCustomer } from '../support/policy.builders';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Attempts Herald records without the dispatcher — an inbound reply's answer, a STOP's
 * confirmation, a conversation an agent had on a call Herald did not place, an agent's
 * click-to-call — get ids made as the dispatcher makes its own (UUIDv7 from the attempt's instant),
 * so a look-up by id (a status callback, a disposition) reads their month and no other.
 */
describe('the ids of attempts recorded without a send', () => {
  const clock = new ManualClock(new Date('2026-04-20T09:30:00Z'));
  let t: TestApp;
  let phones = 0;

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
  });
  afterAll(() => t.close());

  const customerWithPhone = async () => {
    const phone = `+1202555${String(1000 + ++phones)}`;
    return { id: await insertCustomer(t.db, { phone, country: 'US', timezone: 'America/New_York' }), phone };
  };

  /** The customer's attempts: whether each id is a v7 one, and its instant beside attempted_at. */
  async function idsOf(customerId: string) {
    return t.db.query(
      `SELECT uuid_extract_version(id) AS version, uuid_extract_timestamp(id) AS "idInstant", attempted_at AS "attemptedAt"
         FROM contact_attempts WHERE customer_id = $1`,
      [customerId],
    );
  }

  const reply = { template: 'help', versions: { en: 'v1' } };

  it.each([
    ['a reply to a message (record)', 'record'],
    ['a reply to a message kept as it is (keep)', 'keep'],
    ['the confirmation of a STOP', 'keyword'],
  ] as const)('%s', async (_name, path) => {
    const customer = await customerWithPhone();
    const at = new Date('2026-03-31T23:59:58.123Z');
    const sms = { messageSid: `SM-${path}-${phones}`, from: customer.phone, to: '+15550000000', body: 'HELP' };
    const store = t.app.get(InboundMessageStore);
    if (path === 'record') {
      await store.record(sms, { intent: 'help', unknownSenderIntent: 'help', reply }, at);
    } else if (path === 'keep') {
      await store.keep(
        sms,
        { id: customer.id, locale: 'en' } as Customer,
        { intent: 'help', unknownSenderIntent: 'help', reply },
        at,
      );
    } else {
      await store.consentKeyword({
        sms: { ...sms, body: 'STOP' },
        intent: 'stop',
        scope: 'all',
        state: 'revoked',
        confirmation: reply,
        at,
      });
    }
    expect(await idsOf(customer.id)).toEqual([{ version: 7, idInstant: at, attemptedAt: at }]);
  });

  it('a conversation an agent recorded on a call Herald did not place', async () => {
    const customer = await customerWithPhone();
    const at = new Date('2026-04-02T11:00:00.456Z');
    const recorded = await t.db.transaction((m) =>
      t.app
        .get(ConversationsRepository)
        .mark(m, { customerId: customer.id, purpose: 'collections', at, dispositionId: '0190f5a0-0000-7000-8000-000000000001' }),
    );
    expect(recorded.recordedOn).toBe('agent_record');
    expect(await idsOf(customer.id)).toEqual([{ version: 7, idInstant: at, attemptedAt: at }]);
  });

  it("an agent's click-to-call, its status written through its id's months", async () => {
    const customer = await customerWithPhone();
    const at = new Date('2026-04-20T09:30:00.789Z');
    const desk = t.app.get(AgentDeskRepository);
    const id = await desk.logCall({
      customerId: customer.id,
      purpose: 'collections',
      provider: 'twilio',
      detail: 'test',
      subjectRef: null,
      at,
    });
    await desk.callPlaced(id, 'CA-test', 'queued');
    expect(await idsOf(customer.id)).toEqual([{ version: 7, idInstant: at, attemptedAt: at }]);
    expect(await desk.callStatus(id)).toEqual({ status: 'queued' });
  });
});
