import { Body, Controller, HttpCode, INestApplication, Post } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import twilio from 'twilio';
import { TwilioWebhook } from '../../src/channels/twilio-signature.guard';
import { TWILIO_WEBHOOK_PATHS } from '../../src/channels/twilio-webhook.paths';
import { TwilioWebhookSigner } from '../../src/channels/twilio-webhook.signer';
import { HttpExceptionFilter } from '../../src/common/http-exception.filter';
import { loadConfig } from '../../src/config/app-config';
import { ConfigModule } from '../../src/config/config.module';
import { freePort } from '../../src/database/embedded-database';
import { FakeTwilio, twilioSignature } from '../support/fake-twilio.server';

const TOKEN = 'f'.repeat(32);
const SID = `AC${'1'.repeat(32)}`;

/** A webhook route as the webhook controllers will write them, recording what got through. */
function probe() {
  const handled: Record<string, string>[] = [];
  @Controller()
  class ProbeController {
    @Post(TWILIO_WEBHOOK_PATHS.messageStatus)
    @TwilioWebhook()
    @HttpCode(204)
    status(@Body() body: Record<string, string>) {
      handled.push(body);
    }
  }
  return { ProbeController, handled };
}

async function startProbe(env: NodeJS.ProcessEnv) {
  const { ProbeController, handled } = probe();
  const config = loadConfig({ LOG_LEVEL: 'silent', ...env });
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config)],
    controllers: [ProbeController],
    providers: [TwilioWebhookSigner, { provide: APP_FILTER, useClass: HttpExceptionFilter }],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return { app, handled, signer: app.get(TwilioWebhookSigner) };
}

describe('Twilio webhook signatures', () => {
  const path = `${TWILIO_WEBHOOK_PATHS.messageStatus}?attempt=7d1c4a52-4a5e-4f5b-9b43-0c8f3e1c9a10`;
  const url = `https://herald.example.com${path}`;
  const params = { MessageSid: `SM${'a'.repeat(32)}`, MessageStatus: 'delivered', To: '+8613800138000', AccountSid: SID };
  let app: INestApplication;
  let handled: Record<string, string>[];

  beforeAll(async () => {
    ({ app, handled } = await startProbe({
      PUBLIC_BASE_URL: 'https://herald.example.com',
      TWILIO_ACCOUNT_SID: SID,
      TWILIO_AUTH_TOKEN: TOKEN,
      TWILIO_FROM_NUMBER: '+15005550006',
    }));
  });
  afterAll(() => app.close());
  beforeEach(() => handled.splice(0));

  const post = (form: Record<string, string>, signature?: string, at = path) => {
    const req = request(app.getHttpServer()).post(at).type('form').send(form);
    return signature === undefined ? req : req.set('X-Twilio-Signature', signature);
  };

  it('handles a request Twilio signed over the public URL and every parameter', async () => {
    await post(params, twilio.getExpectedTwilioSignature(TOKEN, url, params)).expect(204);
    expect(handled).toEqual([params]);
  });

  it('refuses a request without a signature with 400, before the handler', async () => {
    const res = await post(params).expect(400);
    expect(res.body.error.code).toBe('TWILIO_SIGNATURE_MISSING');
    expect(handled).toEqual([]);
  });

  it('refuses a wrong signature with 403, before the handler', async () => {
    const res = await post(params, twilio.getExpectedTwilioSignature('0'.repeat(32), url, params)).expect(403);
    expect(res.body.error.code).toBe('TWILIO_SIGNATURE_INVALID');
    await post(params, 'not-a-signature').expect(403);
    expect(handled).toEqual([]);
  });

  it('refuses anything but a form with 415, even signed over the URL alone: Twilio never sends JSON', async () => {
    const overUrl = twilio.getExpectedTwilioSignature(TOKEN, url, {});
    for (const [type, body] of [
      ['application/json', JSON.stringify(params)],
      ['text/plain', 'MessageStatus=delivered'],
      ['application/xml', '<x/>'],
    ]) {
      const res = await request(app.getHttpServer())
        .post(path)
        .set('Content-Type', type)
        .set('X-Twilio-Signature', overUrl)
        .send(body);
      expect([type, res.status, res.body.error?.code]).toEqual([type, 415, 'TWILIO_CONTENT_TYPE_UNSUPPORTED']);
    }
    await request(app.getHttpServer()).post(path).set('X-Twilio-Signature', overUrl).expect(415);
    expect(handled).toEqual([]);
  });

  it('accepts parameters it has never heard of when they were signed: Twilio adds them without notice', async () => {
    const more = { ...params, RawDlrDoneDate: '2511210930', SomethingNew: '1' };
    await post(more, twilio.getExpectedTwilioSignature(TOKEN, url, more)).expect(204);
    expect(handled).toEqual([more]);
  });

  it('refuses a parameter changed or added after signing', async () => {
    const signature = twilio.getExpectedTwilioSignature(TOKEN, url, params);
    await post({ ...params, MessageStatus: 'failed' }, signature).expect(403);
    await post({ ...params, Injected: 'x' }, signature).expect(403);
    expect(handled).toEqual([]);
  });

  it('signs the query string too: the attempt id cannot be swapped', async () => {
    const signature = twilio.getExpectedTwilioSignature(TOKEN, url, params);
    await post(params, signature, `${TWILIO_WEBHOOK_PATHS.messageStatus}?attempt=00000000-0000-0000-0000-000000000000`).expect(
      403,
    );
  });

  it('checks against PUBLIC_BASE_URL with its path, whatever host the request came in on', async () => {
    const behindProxy = await startProbe({
      PUBLIC_BASE_URL: 'https://cards.example.com/herald/',
      TWILIO_ACCOUNT_SID: SID,
      TWILIO_AUTH_TOKEN: TOKEN,
      TWILIO_FROM_NUMBER: '+15005550006',
    });
    try {
      const publicUrl = `https://cards.example.com/herald${path}`;
      await request(behindProxy.app.getHttpServer())
        .post(path)
        .type('form')
        .send(params)
        .set('X-Twilio-Signature', twilio.getExpectedTwilioSignature(TOKEN, publicUrl, params))
        .expect(204);
      expect(behindProxy.signer.publicUrl(path)).toBe(publicUrl);
    } finally {
      await behindProxy.app.close();
    }
  });

  it('without Twilio credentials checks against the sandbox token, which only this process knows', async () => {
    const sandbox = await startProbe({ PUBLIC_BASE_URL: 'https://herald.example.com' });
    try {
      const server = () => request(sandbox.app.getHttpServer()).post(path).type('form').send(params);
      await server().set('X-Twilio-Signature', sandbox.signer.sign(url, params)).expect(204);
      await server()
        .set('X-Twilio-Signature', twilio.getExpectedTwilioSignature(TOKEN, url, params))
        .expect(403);
    } finally {
      await sandbox.app.close();
    }
  });

  it("accepts the fake Twilio's callbacks, signed by its own HMAC over the real URL", async () => {
    const port = await freePort();
    const fake = await FakeTwilio.start({ accountSid: SID, authToken: TOKEN });
    const live = await startProbe({
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      ...fake.env({ TWILIO_FROM_NUMBER: '+15005550006' }),
    });
    try {
      await live.app.listen(port, '127.0.0.1');
      const posted = await fake.postSigned(`http://127.0.0.1:${port}${path}`, params);
      expect(posted.status).toBe(204);
      expect(posted.signature).toBe(twilio.getExpectedTwilioSignature(TOKEN, `http://127.0.0.1:${port}${path}`, params));
      expect(live.handled).toEqual([params]);
      expect(twilioSignature('x', 'https://a.example/b?c=d', { B: '2', A: '1' })).toBe(
        twilio.getExpectedTwilioSignature('x', 'https://a.example/b?c=d', { B: '2', A: '1' }),
      );
    } finally {
      await live.app.close();
      await fake.close();
    }
  });
});
