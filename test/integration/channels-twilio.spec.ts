import { randomUUID } from 'node:crypto';
import { ChannelError } from '../../src/channels/channel.error';
import { TwilioSettings } from '../../src/channels/channels.config';
import { createTwilioClient, createTwilioClients } from '../../src/channels/twilio-request.client';
import { TwilioSmsChannel } from '../../src/channels/twilio-sms.channel';
import { TwilioVoiceChannel } from '../../src/channels/twilio-voice.channel';
import { freePort } from '../../src/database/embedded-database';
import { CALL_PARAMETERS, FakeTwilio, MESSAGE_PARAMETERS } from '../support/fake-twilio.server';

const FROM = '+15005550006';
const SERVICE = `MG${'4'.repeat(32)}`;
const CUSTOMER = '+8613800138000';

describe('Twilio channels through the real SDK against a local Twilio', () => {
  let fake: FakeTwilio;
  let settings: TwilioSettings;
  /** Where Herald would be: nobody listens there, so callbacks go nowhere. */
  let PUBLIC: string;

  beforeAll(async () => {
    PUBLIC = `http://127.0.0.1:${await freePort()}`;
    fake = await FakeTwilio.start();
    settings = {
      accountSid: fake.accountSid,
      authToken: fake.authToken,
      messagingServiceSid: undefined,
      fromNumber: FROM,
      apiBaseUrl: fake.baseUrl,
    };
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.requests.splice(0);
    fake.clearFailures();
  });

  const sms = (overrides: Partial<TwilioSettings> = {}, http = {}) =>
    new TwilioSmsChannel(createTwilioClient({ ...settings, ...overrides }, http), { ...settings, ...overrides }, PUBLIC);
  const voice = () => new TwilioVoiceChannel(createTwilioClient(settings), settings, PUBLIC);
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected a ChannelError');
      },
      (error: unknown) => {
        expect(error).toBeInstanceOf(ChannelError);
        return error as ChannelError;
      },
    );

  describe('SMS', () => {
    it('sends from the configured number with a status callback carrying the attempt, authenticated', async () => {
      const attemptId = randomUUID();
      const sent = await sms().send({ attemptId, to: CUSTOMER, body: '您的账单已出 Reply STOP to opt out' });

      expect(sent).toEqual({ providerRef: expect.stringMatching(/^SM[0-9a-f]{32}$/), status: 'pending' });
      expect(fake.requests).toHaveLength(1);
      const [req] = fake.requests;
      expect(req).toMatchObject({
        method: 'POST',
        path: `/2010-04-01/Accounts/${fake.accountSid}/Messages.json`,
        authorized: true,
      });
      expect(req.params).toEqual({
        To: CUSTOMER,
        From: FROM,
        Body: '您的账单已出 Reply STOP to opt out',
        StatusCallback: `${PUBLIC}/webhooks/twilio/messages/status?attempt=${attemptId}`,
      });
      expect(Object.keys(req.params).every((name) => MESSAGE_PARAMETERS.has(name))).toBe(true);
      expect(fake.messages.map((m) => m.sid)).toEqual([sent.providerRef]);
    });

    it('goes through the Messaging Service without a From, or with a chosen sender from its pool', async () => {
      await sms({ messagingServiceSid: SERVICE }).send({ attemptId: randomUUID(), to: CUSTOMER, body: 'a' });
      await sms({ messagingServiceSid: SERVICE }).send({
        attemptId: randomUUID(),
        to: CUSTOMER,
        body: 'b',
        from: '+15005550007',
      });
      expect(fake.requests[0].params).toMatchObject({ MessagingServiceSid: SERVICE });
      expect(fake.requests[0].params).not.toHaveProperty('From');
      expect(fake.requests[1].params).toMatchObject({ MessagingServiceSid: SERVICE, From: '+15005550007' });
    });

    it('sends a fraud alert on connections of its own, not queued behind bulk sends that hold every bulk connection', async () => {
      const slowBulk = '+8613800138111';
      fake.failFor(slowBulk, { delayMs: 1_500 });
      const clients = createTwilioClients(settings, { maxSockets: 1 });
      const channel = new TwilioSmsChannel(clients.bulk, settings, PUBLIC, clients.urgent);
      const finished: string[] = [];
      const send = (name: string, to: string, urgent?: boolean) =>
        channel.send({ attemptId: randomUUID(), to, body: name, urgent }).then(() => finished.push(name));

      const bulk = [send('bulk 1', slowBulk), send('bulk 2', CUSTOMER)];
      await new Promise((resolve) => setTimeout(resolve, 100)); // the bulk connection is taken
      await send('fraud alert', CUSTOMER, true);
      expect(finished).toEqual(['fraud alert']);
      await Promise.all(bulk);
      expect(finished).toEqual(['fraud alert', 'bulk 1', 'bulk 2']);
    });

    it('can be read back through the API once Twilio reports it delivered', async () => {
      const sent = await sms().send({ attemptId: randomUUID(), to: CUSTOMER, body: 'x' });
      const callbacks = await fake.deliverAll('delivered');
      const client = createTwilioClient(settings);
      expect(await client.messages(sent.providerRef).fetch()).toMatchObject({
        sid: sent.providerRef,
        status: 'delivered',
        to: CUSTOMER,
      });
      // Nobody listens at PUBLIC: the callback is recorded as unreachable.
      expect(callbacks.find((c) => c.params.MessageSid === sent.providerRef)).toMatchObject({ status: 0 });
    });

    it.each([
      [21211, 'permanent'],
      [21614, 'permanent'],
      [21610, 'opted_out'],
      [30001, 'transient'],
      [20429, 'transient'],
    ] as const)('classifies Twilio error %i as %s', async (code, kind) => {
      fake.failFor(CUSTOMER, { code });
      const error = await failure(sms().send({ attemptId: randomUUID(), to: CUSTOMER, body: 'x' }));
      expect(error).toMatchObject({ kind, providerCode: String(code), ambiguous: false });
    });

    it('takes an HTTP 500 as transient, and the next send goes through', async () => {
      fake.failFor(CUSTOMER, { status: 500, times: 1 });
      expect(await failure(sms().send({ attemptId: randomUUID(), to: CUSTOMER, body: 'x' }))).toMatchObject({
        kind: 'transient',
      });
      await expect(sms().send({ attemptId: randomUUID(), to: CUSTOMER, body: 'x' })).resolves.toMatchObject({
        status: 'pending',
      });
    });

    it('gives up on a slow Twilio as transient but ambiguous: the message was in fact created', async () => {
      fake.failFor(CUSTOMER, { delayMs: 400, times: 1 });
      const error = await failure(sms({}, { timeoutMs: 100 }).send({ attemptId: randomUUID(), to: CUSTOMER, body: 'x' }));
      expect(error).toMatchObject({ kind: 'transient', ambiguous: true });
      await new Promise((done) => setTimeout(done, 400));
      expect(fake.messages.at(-1)?.to).toBe(CUSTOMER);
    });

    it('takes wrong credentials as permanent', async () => {
      const error = await failure(sms({ authToken: '0'.repeat(32) }).send({ attemptId: randomUUID(), to: CUSTOMER, body: 'x' }));
      expect(error).toMatchObject({ kind: 'permanent', providerCode: '20003' });
      expect(fake.requests[0].authorized).toBe(false);
    });

    it('knows nothing left when Twilio cannot be reached', async () => {
      const error = await failure(sms({ apiBaseUrl: PUBLIC }).send({ attemptId: randomUUID(), to: CUSTOMER, body: 'x' }));
      expect(error).toMatchObject({ kind: 'transient', providerCode: 'ECONNREFUSED', ambiguous: false });
    });
  });

  describe('calls', () => {
    it('places a call with the TwiML, progress events to the call status callback, and no AMD unless asked', async () => {
      const attemptId = randomUUID();
      const twiml = '<Response><Say language="zh-CN">您好</Say><Gather numDigits="1"/></Response>';
      const placed = await voice().call({ attemptId, to: CUSTOMER, twiml });

      expect(placed).toEqual({ providerRef: expect.stringMatching(/^CA[0-9a-f]{32}$/), status: 'pending' });
      const [req] = fake.requests;
      expect(req.path).toBe(`/2010-04-01/Accounts/${fake.accountSid}/Calls.json`);
      expect(req.params).toEqual({
        To: CUSTOMER,
        From: FROM,
        Twiml: twiml,
        StatusCallback: `${PUBLIC}/webhooks/twilio/calls/status?attempt=${attemptId}`,
        StatusCallbackMethod: 'POST',
        StatusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
      });
      expect(Object.keys(req.params).every((name) => CALL_PARAMETERS.has(name))).toBe(true);
    });

    it('asks for answering-machine detection when told to', async () => {
      await voice().call({ attemptId: randomUUID(), to: CUSTOMER, twiml: '<Response/>', machineDetection: true });
      expect(fake.requests[0].params).toMatchObject({ MachineDetection: 'Enable' });
    });

    it('classifies call errors the same way', async () => {
      fake.failFor(CUSTOMER, { code: 21211 });
      expect(await failure(voice().call({ attemptId: randomUUID(), to: CUSTOMER, twiml: '<Response/>' }))).toMatchObject({
        kind: 'permanent',
        providerCode: '21211',
      });
    });
  });
});
