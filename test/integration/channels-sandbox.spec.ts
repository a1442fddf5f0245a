import { randomUUID } from 'node:crypto';
import { Body, Controller, HttpCode, INestApplication, Post, Req } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Request } from 'express';
import { Logger } from 'nestjs-pino';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { Role } from '../../src/auth/role';
import { UsersService } from '../../src/auth/users.service';
import { ChannelError } from '../../src/channels/channel.error';
import { ChannelsModule } from '../../src/channels/channels.module';
import { EmailChannel } from '../../src/channels/email.channel';
import { SandboxEmailChannel } from '../../src/channels/sandbox/sandbox-email.channel';
import { SandboxMessageRepository } from '../../src/channels/sandbox/sandbox-message.repository';
import { SandboxSmsChannel } from '../../src/channels/sandbox/sandbox-sms.channel';
import { SandboxVoiceChannel } from '../../src/channels/sandbox/sandbox-voice.channel';
import { SmsChannel } from '../../src/channels/sms.channel';
import { SmtpEmailChannel } from '../../src/channels/smtp-email.channel';
import { TwilioWebhook } from '../../src/channels/twilio-signature.guard';
import { TwilioSmsChannel } from '../../src/channels/twilio-sms.channel';
import { TwilioVoiceChannel } from '../../src/channels/twilio-voice.channel';
import { TWILIO_WEBHOOK_PATHS } from '../../src/channels/twilio-webhook.paths';
import { VoiceChannel } from '../../src/channels/voice.channel';
import { ManualClock } from '../../src/common/clock';
import { validationPipe } from '../../src/common/validation.pipe';
import { loadConfig } from '../../src/config/app-config';
import { freePort } from '../../src/database/embedded-database';
import { FakeTwilio } from '../support/fake-twilio.server';
import { SmtpSink } from '../support/smtp-sink';
import { createTestDatabase, TestDatabase } from '../support/test-database';

interface Handled {
  path: string;
  params: Record<string, string>;
}

/** Herald as the server runs it, listening, plus webhook routes (as the webhook module will mount them) that record what passed the signature check. */
async function startHerald(env: NodeJS.ProcessEnv, port = 0) {
  const handled: Handled[] = [];
  @Controller()
  class WebhookProbeController {
    @Post([TWILIO_WEBHOOK_PATHS.messageStatus, TWILIO_WEBHOOK_PATHS.callStatus, TWILIO_WEBHOOK_PATHS.inboundSms])
    @TwilioWebhook()
    @HttpCode(204)
    handle(@Req() req: Request, @Body() params: Record<string, string>) {
      handled.push({ path: req.originalUrl, params });
    }
  }
  const database: TestDatabase = await createTestDatabase();
  const clock = new ManualClock(new Date('2025-11-21T01:30:00Z'));
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    PUBLIC_BASE_URL: 'https://herald.example.com',
    SANDBOX_CALLBACK_DELAY_MS: '50',
    ...env,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot(config, database.url, { clock }), ChannelsModule],
    controllers: [WebhookProbeController],
  }).compile();
  const app: INestApplication = moduleRef.createNestApplication({ bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(validationPipe());
  await app.listen(port, '127.0.0.1');
  const users = app.get(UsersService);
  let count = 0;
  return {
    app,
    handled,
    clock,
    http: () => request(app.getHttpServer()),
    async keyFor(role: Role) {
      const user = await users.create({ username: `${role}-${++count}`, displayName: role, role });
      return (await users.issueKey(user.id, 'test')).key;
    },
    async close() {
      // The audit row of the last request is written after its response.
      await new Promise((r) => setTimeout(r, 100));
      await app.close();
      await database.drop();
    },
  };
}

async function eventually<T>(check: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const CUSTOMER = '+8613800138000';

describe('the sandbox (no credentials configured)', () => {
  let herald: Awaited<ReturnType<typeof startHerald>>;
  let manager: string;

  beforeAll(async () => {
    herald = await startHerald({});
    manager = await herald.keyFor('campaign_manager');
  });
  afterAll(() => herald.close());

  const forAttempt = (attemptId: string) => herald.handled.filter((h) => h.path.endsWith(`?attempt=${attemptId}`));

  it('is what configuration picks for every channel', () => {
    expect(herald.app.get(SmsChannel)).toBeInstanceOf(SandboxSmsChannel);
    expect(herald.app.get(VoiceChannel)).toBeInstanceOf(SandboxVoiceChannel);
    expect(herald.app.get(EmailChannel)).toBeInstanceOf(SandboxEmailChannel);
  });

  it('records an SMS and reports it sent, then delivered, through the signed status webhook', async () => {
    const attemptId = randomUUID();
    const sent = await herald.app.get(SmsChannel).send({ attemptId, to: CUSTOMER, body: '【卡中心】您的账单已出' });
    expect(sent).toEqual({ providerRef: expect.stringMatching(/^SM[0-9a-f]{32}$/), status: 'pending' });

    const callbacks = await eventually(() => (forAttempt(attemptId).length === 2 ? forAttempt(attemptId) : undefined));
    expect(callbacks.map((c) => c.path.split('?')[0])).toEqual([
      TWILIO_WEBHOOK_PATHS.messageStatus,
      TWILIO_WEBHOOK_PATHS.messageStatus,
    ]);
    expect(callbacks.map((c) => c.params.MessageStatus)).toEqual(['sent', 'delivered']);
    expect(callbacks[1].params).toMatchObject({
      MessageSid: sent.providerRef,
      To: CUSTOMER,
      From: '+15005550006',
      SmsStatus: 'delivered',
    });

    const res = await herald.http().get('/sandbox/messages').query({ attemptId }).auth(manager, { type: 'bearer' }).expect(200);
    expect(res.body.total).toBe(1);
    // A list masks the recipient and withholds the words; the message itself shows them.
    expect(res.body.items[0]).toMatchObject({ providerRef: sent.providerRef, toAddress: '+86138****8000', body: null });
    const one = await herald
      .http()
      .get(`/sandbox/messages/${res.body.items[0].id}`)
      .auth(manager, { type: 'bearer' })
      .expect(200);
    expect(one.body).toMatchObject({
      channel: 'sms',
      direction: 'outbound',
      providerRef: sent.providerRef,
      attemptId,
      toAddress: CUSTOMER,
      body: '【卡中心】您的账单已出',
      status: 'delivered',
      createdAt: '2025-11-21T01:30:00.000Z',
    });
  });

  it('records a call and plays it ringing, answered by a person, completed', async () => {
    const attemptId = randomUUID();
    const placed = await herald.app
      .get(VoiceChannel)
      .call({ attemptId, to: CUSTOMER, twiml: '<Response><Say>Hi</Say></Response>', machineDetection: true });
    expect(placed.providerRef).toMatch(/^CA[0-9a-f]{32}$/);

    const callbacks = await eventually(() => (forAttempt(attemptId).length === 3 ? forAttempt(attemptId) : undefined));
    expect(callbacks.map((c) => c.params.CallStatus)).toEqual(['ringing', 'in-progress', 'completed']);
    expect(callbacks.every((c) => c.path.startsWith(TWILIO_WEBHOOK_PATHS.callStatus))).toBe(true);
    expect(callbacks[1].params).toMatchObject({ CallSid: placed.providerRef, AnsweredBy: 'human' });
    expect(callbacks[2].params.CallDuration).toMatch(/^\d+$/);
  });

  it("refuses Twilio's test numbers as Twilio would, recording nothing", async () => {
    const sms = herald.app.get(SmsChannel);
    const attemptId = randomUUID();
    await expect(sms.send({ attemptId, to: '+15005550004', body: 'x' })).rejects.toMatchObject({
      kind: 'opted_out',
      providerCode: '21610',
    });
    await expect(sms.send({ attemptId, to: '+15005550001', body: 'x' })).rejects.toBeInstanceOf(ChannelError);
    await expect(
      herald.app.get(VoiceChannel).call({ attemptId, to: '+15005550001', twiml: '<Response/>' }),
    ).rejects.toMatchObject({
      kind: 'permanent',
      providerCode: '21211',
    });
    const res = await herald.http().get('/sandbox/messages').query({ attemptId }).auth(manager, { type: 'bearer' }).expect(200);
    expect(res.body.total).toBe(0);
  });

  it('records an e-mail with its headers and the Message-ID SMTP would carry', async () => {
    const attemptId = randomUUID();
    const sent = await herald.app.get(EmailChannel).send({
      attemptId,
      to: 'li.na@example.cn',
      subject: 'Statement',
      html: '<p>Due</p>',
      text: 'Due',
      headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
    expect(sent).toEqual({ providerRef: `<${attemptId}@localhost>`, status: 'sent' });
    const res = await herald
      .http()
      .get('/sandbox/messages')
      .query({ channel: 'email', attemptId })
      .auth(manager, { type: 'bearer' })
      .expect(200);
    const one = await herald
      .http()
      .get(`/sandbox/messages/${res.body.items[0].id}`)
      .auth(manager, { type: 'bearer' })
      .expect(200);
    expect(one.body).toMatchObject({
      subject: 'Statement',
      html: '<p>Due</p>',
      body: 'Due',
      headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
  });

  it('lets a person report an outcome for a sandbox SMS, which goes out as a signed callback', async () => {
    const attemptId = randomUUID();
    await herald.app.get(SmsChannel).send({ attemptId, to: CUSTOMER, body: 'x' });
    const listed = await herald
      .http()
      .get('/sandbox/messages')
      .query({ attemptId })
      .auth(manager, { type: 'bearer' })
      .expect(200);
    const id = listed.body.items[0].id;

    const res = await herald
      .http()
      .post(`/sandbox/messages/${id}/status`)
      .auth(manager, { type: 'bearer' })
      .send({ status: 'undelivered', errorCode: 30003 })
      .expect(200);
    expect(res.body).toMatchObject({ webhookStatus: 204, message: { id, status: 'undelivered', errorCode: '30003' } });
    expect(forAttempt(attemptId).at(-1)?.params).toMatchObject({ MessageStatus: 'undelivered', ErrorCode: '30003' });

    // The made-up progress (it may have reported `sent` already) stops once a person has spoken.
    await new Promise((r) => setTimeout(r, 200));
    const statuses = forAttempt(attemptId).map((c) => c.params.MessageStatus);
    expect(statuses.slice(statuses.indexOf('undelivered'))).toEqual(['undelivered']);

    const wrong = await herald
      .http()
      .post(`/sandbox/messages/${id}/status`)
      .auth(manager, { type: 'bearer' })
      .send({ status: 'busy' })
      .expect(400);
    expect(wrong.body.error.details).toEqual([{ field: 'status', reason: expect.stringContaining('for sms') }]);
  });

  it('plays a customer replying by SMS: a signed inbound webhook, kept in the sandbox', async () => {
    const res = await herald
      .http()
      .post('/sandbox/replies')
      .auth(manager, { type: 'bearer' })
      .send({ from: CUSTOMER, body: 'N 4821' })
      .expect(201);
    expect(res.body).toMatchObject({
      webhookStatus: 204,
      message: {
        channel: 'sms',
        direction: 'inbound',
        status: 'received',
        fromAddress: CUSTOMER,
        toAddress: '+15005550006',
        body: 'N 4821',
      },
    });
    const inbound = herald.handled.filter((h) => h.path === TWILIO_WEBHOOK_PATHS.inboundSms);
    expect(inbound.at(-1)?.params).toMatchObject({
      From: CUSTOMER,
      To: '+15005550006',
      Body: 'N 4821',
      MessageSid: res.body.message.providerRef,
      SmsStatus: 'received',
    });
  });

  it('validates the simulation requests and keeps them to campaign managers and ops', async () => {
    const bad = await herald
      .http()
      .post('/sandbox/replies')
      .auth(manager, { type: 'bearer' })
      .send({ from: '13800138000', body: '' })
      .expect(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['body', 'from']);
    await herald
      .http()
      .get('/sandbox/messages')
      .auth(await herald.keyFor('agent'), { type: 'bearer' })
      .expect(403);
    await herald
      .http()
      .post('/sandbox/replies')
      .auth(await herald.keyFor('integration'), { type: 'bearer' })
      .send({ from: CUSTOMER, body: 'Y' })
      .expect(403);
  });

  it('writes a burst of sends in batches, none lost', async () => {
    const messages = new SandboxMessageRepository(herald.app.get(DataSource), herald.clock);
    const attemptId = randomUUID();
    for (let i = 0; i < 2500; i++) {
      messages.record({
        channel: 'sms',
        direction: 'outbound',
        providerRef: `SM${randomUUID().replace(/-/g, '')}`,
        attemptId,
        toAddress: CUSTOMER,
        fromAddress: '+15005550006',
        subject: null,
        body: `n${i}`,
        html: null,
        headers: {},
        machineDetection: false,
        status: 'pending',
        errorCode: null,
      });
    }
    await messages.flush();
    const [{ count }] = await herald.app
      .get(DataSource)
      .query('SELECT count(*)::int AS count FROM sandbox_messages WHERE attempt_id = $1', [attemptId]);
    expect(count).toBe(2500);
  });
});

describe('live channels (Twilio and SMTP configured)', () => {
  let fake: FakeTwilio;
  let sink: SmtpSink;
  let herald: Awaited<ReturnType<typeof startHerald>>;
  let port: number;

  beforeAll(async () => {
    fake = await FakeTwilio.start();
    sink = await SmtpSink.start();
    port = await freePort();
    herald = await startHerald(
      fake.env({
        TWILIO_FROM_NUMBER: '+15005550006',
        SMTP_URL: sink.url,
        MAIL_FROM: 'Cards <cards@bank.example>',
        PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      }),
      port,
    );
  });
  afterAll(async () => {
    await herald.close();
    await sink.close();
    await fake.close();
  });

  it('picks Twilio and SMTP', () => {
    expect(herald.app.get(SmsChannel)).toBeInstanceOf(TwilioSmsChannel);
    expect(herald.app.get(VoiceChannel)).toBeInstanceOf(TwilioVoiceChannel);
    expect(herald.app.get(EmailChannel)).toBeInstanceOf(SmtpEmailChannel);
  });

  it("sends through the SDK; Twilio's signed callbacks for SMS and calls pass Herald's webhook check", async () => {
    const smsAttempt = randomUUID();
    const callAttempt = randomUUID();
    await herald.app.get(SmsChannel).send({ attemptId: smsAttempt, to: CUSTOMER, body: 'x' });
    await herald.app.get(VoiceChannel).call({ attemptId: callAttempt, to: CUSTOMER, twiml: '<Response/>' });

    const delivered = await fake.deliverAll('delivered');
    const calls = await fake.settleCalls('completed');
    expect([...delivered, ...calls].map((w) => w.status)).toEqual([204, 204, 204, 204, 204]);
    expect(herald.handled.map((h) => h.path)).toEqual([
      `${TWILIO_WEBHOOK_PATHS.messageStatus}?attempt=${smsAttempt}`,
      ...Array(4).fill(`${TWILIO_WEBHOOK_PATHS.callStatus}?attempt=${callAttempt}`),
    ]);
    expect(herald.handled.slice(1).map((h) => h.params.CallStatus)).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);

    const inbound = await fake.sendInboundSms(`http://127.0.0.1:${port}${TWILIO_WEBHOOK_PATHS.inboundSms}`, {
      from: CUSTOMER,
      to: '+15005550006',
      body: 'STOP',
    });
    expect(inbound.status).toBe(204);
  });

  it('sends e-mail to the mail server', async () => {
    const attemptId = randomUUID();
    await herald.app
      .get(EmailChannel)
      .send({ attemptId, to: 'li.na@example.cn', subject: 's', html: '<p>h</p>', text: 't', headers: {} });
    const [mail] = await sink.waitFor(1);
    expect(mail.parsed.messageId).toBe(`<${attemptId}@bank.example>`);
  });

  it('refuses to simulate what Twilio really reports', async () => {
    const manager = await herald.keyFor('campaign_manager');
    const res = await herald
      .http()
      .post('/sandbox/replies')
      .auth(manager, { type: 'bearer' })
      .send({ from: CUSTOMER, body: 'Y' })
      .expect(409);
    expect(res.body.error.code).toBe('SANDBOX_OFF');
  });
});
