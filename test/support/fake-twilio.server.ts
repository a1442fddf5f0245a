import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { CALL_LIST, listPage, MESSAGE_LIST } from './fake-twilio.lists';

/**
 * A local Twilio that speaks its REST API (2010-04-01) for messages and calls, as the `twilio`
 * SDK calls it: create, fetch and list (fake-twilio.lists.ts), and posts signed webhooks back the
 * way Twilio does. Shapes follow Twilio's OpenAPI description (twilio_api_v2010.json: the examples
 * of Messages.json and Calls.json).
 *
 * Stricter than Twilio in one way: a parameter the API does not define is refused with a 400,
 * where Twilio would silently ignore it (a misspelt StatusCallbackEvent would never show, nor a
 * misspelt list filter).
 */

export type TwilioForm = Record<string, string | string[]>;

/** Every form parameter the API defines for creating a message or a call (from the OpenAPI document). */
export const MESSAGE_PARAMETERS = new Set(
  'To StatusCallback ApplicationSid MaxPrice ProvideFeedback Attempt ValidityPeriod ForceDelivery ContentRetention AddressRetention SmartEncoded PersistentAction TrafficType ShortenUrls ScheduleType SendAt SendAsMms ContentVariables RiskCheck From FallbackFrom MessagingServiceSid Body MediaUrl ContentSid'.split(
    ' ',
  ),
);
export const CALL_PARAMETERS = new Set(
  'To From Method FallbackUrl FallbackMethod StatusCallback StatusCallbackEvent StatusCallbackMethod SendDigits Timeout Record RecordingChannels RecordingStatusCallback RecordingStatusCallbackMethod SipAuthUsername SipAuthPassword MachineDetection MachineDetectionTimeout RecordingStatusCallbackEvent Trim CallerId MachineDetectionSpeechThreshold MachineDetectionSpeechEndThreshold MachineDetectionSilenceTimeout AsyncAmd AsyncAmdStatusCallback AsyncAmdStatusCallbackMethod Byoc CallReason CallToken RecordingTrack TimeLimit ClientNotificationUrl Url Twiml ApplicationSid'.split(
    ' ',
  ),
);

export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. /2010-04-01/Accounts/AC…/Messages.json */
  path: string;
  params: TwilioForm;
  authorized: boolean;
  at: Date;
  /**
   * What the fake did, once it has: the HTTP status it answered, or `reset` for a connection
   * closed without an answer; `sid` when the request created a message or call, whatever the
   * caller was told. A count of what Twilio really made, apart from what the caller believes.
   */
  outcome?: { status: number | 'reset'; sid?: string };
}

/** How the fake answers a request to create a message or call. */
export interface Failure {
  /** A Twilio error code for the body: 21211 invalid number, 21610 opted out, 30001 queue overflow… */
  code?: number;
  /** The HTTP status: 429 for 20429, else 400 with a code; 500 when neither is given. */
  status?: number;
  /** Answer this late. Alone, the message or call is still created: the caller may give up first. */
  delayMs?: number;
  /** Close the connection without an answer (after `delayMs`, if any). */
  reset?: boolean;
  /**
   * Create the message or call first, then answer with the failure (or, with only `delayMs`,
   * with the created resource, late): made at Twilio, but the caller cannot know.
   */
  after?: 'create';
  /** How many requests it applies to; every one when unset. Only for `failFor`. */
  times?: number;
}

/** A request to create a message or call, as the `faults` hook sees it. */
export interface CreateRequest {
  kind: 'message' | 'call';
  to: string;
}

export interface FakeMessage {
  sid: string;
  to: string;
  from: string | null;
  body: string;
  messagingServiceSid: string | null;
  statusCallback: string | null;
  status: string;
  errorCode: number | null;
  params: TwilioForm;
  createdAt: Date;
  updatedAt: Date;
}

export interface FakeCall {
  sid: string;
  to: string;
  from: string;
  twiml: string | null;
  url: string | null;
  statusCallback: string | null;
  /** The progress events subscribed to; Twilio sends only `completed` without any. */
  statusCallbackEvents: string[];
  machineDetection: string | null;
  status: string;
  sequence: number;
  params: TwilioForm;
  createdAt: Date;
  updatedAt: Date;
  /** When it reached an ending status (completed, busy, no-answer, failed, canceled). */
  endedAt: Date | null;
}

export interface PostedWebhook {
  url: string;
  params: Record<string, string>;
  signature: string;
  /** What the webhook answered; 0 if it could not be reached. */
  status: number;
  body: string;
}

export type MessageOutcome = 'sent' | 'delivered' | 'undelivered' | 'failed' | 'read';
export type CallProgress = 'initiated' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'no-answer' | 'failed' | 'canceled';
const CALL_ENDINGS = new Set<CallProgress>(['completed', 'busy', 'no-answer', 'failed', 'canceled']);

/** An answer to a request: HTTP status, body, and the sid of what it created, if anything. */
type Answer = [status: number, body: unknown, sid?: string];

/** How a request is answered: with a body, or by closing the connection. */
interface Reply {
  answer(status: number, body: unknown, sid?: string): void;
  reset(sid?: string): void;
}

const API = '/2010-04-01/Accounts/';
const CALLBACK_CONCURRENCY = 16;

/** Twilio's signature: HMAC-SHA1, keyed by the auth token, of the URL and then each parameter name and value, sorted by name. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((text, name) => text + name + params[name], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf-8')).digest('base64');
}

export class FakeTwilio {
  readonly requests: RecordedRequest[] = [];
  readonly messages: FakeMessage[] = [];
  readonly calls: FakeCall[] = [];
  readonly webhooks: PostedWebhook[] = [];
  /** Told of every request as it arrives (a benchmark in another process watches this way). */
  onRequest?: (request: RecordedRequest) => void;
  /** Asked about each create request that no `failFor` number applies to (a benchmark's random faults). */
  faults?: (request: CreateRequest) => Failure | undefined;
  private readonly messagesBySid = new Map<string, FakeMessage>();
  private readonly callsBySid = new Map<string, FakeCall>();
  /** By recipient, in creation order: a list filtered by `To` (a reconciliation's) reads only those. */
  private readonly messagesTo = new Map<string, FakeMessage[]>();
  private readonly callsTo = new Map<string, FakeCall[]>();
  private readonly failures = new Map<string, Failure>();

  private readonly server: Server = createServer((request, response) => void this.handle(request, response));

  private constructor(
    readonly accountSid: string,
    readonly authToken: string,
  ) {
    this.server.keepAliveTimeout = 30_000;
  }

  static async start(options: { accountSid?: string; authToken?: string } = {}): Promise<FakeTwilio> {
    const fake = new FakeTwilio(
      options.accountSid ?? `AC${randomBytes(16).toString('hex')}`,
      options.authToken ?? randomBytes(16).toString('hex'),
    );
    await new Promise<void>((listening) => fake.server.listen(0, '127.0.0.1', listening));
    return fake;
  }

  /** Give this as TWILIO_API_BASE_URL. */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Environment for Herald to use this Twilio. */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      TWILIO_ACCOUNT_SID: this.accountSid,
      TWILIO_AUTH_TOKEN: this.authToken,
      TWILIO_API_BASE_URL: this.baseUrl,
      ...extra,
    };
  }

  failFor(to: string, failure: Failure): void {
    this.failures.set(to, { ...failure });
  }

  clearFailures(): void {
    this.failures.clear();
  }

  /**
   * Drops every request, message and call recorded so far: a benchmark sending hundreds of
   * thousands in rounds would otherwise keep them all in memory.
   */
  forget(): void {
    for (const list of [this.requests, this.messages, this.calls, this.webhooks]) list.length = 0;
    for (const map of [this.messagesBySid, this.callsBySid, this.messagesTo, this.callsTo]) map.clear();
  }

  /** The status callback Twilio posts when a message moves on; `ErrorCode` with undelivered and failed. */
  async postMessageStatus(sid: string, status: MessageOutcome, errorCode?: number): Promise<PostedWebhook> {
    const message = this.messagesBySid.get(sid);
    if (!message?.statusCallback) throw new Error(`no message ${sid} with a status callback`);
    message.status = status;
    message.errorCode = errorCode ?? null;
    message.updatedAt = new Date();
    return this.postSigned(message.statusCallback, {
      AccountSid: this.accountSid,
      ApiVersion: '2010-04-01',
      From: message.from ?? '+15005550006',
      MessageSid: sid,
      MessageStatus: status,
      ...(message.messagingServiceSid ? { MessagingServiceSid: message.messagingServiceSid } : {}),
      SmsSid: sid,
      SmsStatus: status,
      To: message.to,
      ...(errorCode === undefined ? {} : { ErrorCode: String(errorCode) }),
      ...(status === 'delivered' ? { RawDlrDoneDate: rawDlrDate(new Date()) } : {}),
    });
  }

  /** Status callbacks for every message that has one, `CALLBACK_CONCURRENCY` at a time. */
  async deliverAll(status: MessageOutcome = 'delivered', errorCode?: number): Promise<PostedWebhook[]> {
    const sids = this.messages.filter((m) => m.statusCallback).map((m) => m.sid);
    return pooled(sids, (sid) => this.postMessageStatus(sid, status, errorCode));
  }

  /** One call progress callback, sent whether or not the event was subscribed (to test a webhook directly). */
  async postCallStatus(
    sid: string,
    status: CallProgress,
    options: { answeredBy?: string; durationSeconds?: number } = {},
  ): Promise<PostedWebhook> {
    const call = this.callsBySid.get(sid);
    if (!call?.statusCallback) throw new Error(`no call ${sid} with a status callback`);
    call.status = status;
    call.updatedAt = new Date();
    if (CALL_ENDINGS.has(status)) call.endedAt = call.updatedAt;
    const answered = status === 'in-progress' || status === 'completed';
    return this.postSigned(call.statusCallback, {
      AccountSid: this.accountSid,
      ApiVersion: '2010-04-01',
      CallSid: sid,
      CallStatus: status,
      CallbackSource: 'call-progress-events',
      Called: call.to,
      Caller: call.from,
      Direction: 'outbound-api',
      From: call.from,
      SequenceNumber: String(call.sequence++),
      Timestamp: rfc2822(new Date()),
      To: call.to,
      ...(answered && call.machineDetection ? { AnsweredBy: options.answeredBy ?? 'human' } : {}),
      ...(status === 'completed' ? { CallDuration: String(options.durationSeconds ?? 30), Duration: '1' } : {}),
    });
  }

  /**
   * Plays each call to its end as Twilio reports it: the subscribed progress events in order
   * (initiated, ringing, answered as in-progress), then `ending` (completed, busy, no-answer…).
   */
  async settleCalls(ending: CallProgress = 'completed', options: { answeredBy?: string } = {}): Promise<PostedWebhook[]> {
    return pooled(
      this.calls.filter((c) => c.statusCallback),
      async (call) => {
        const posted: PostedWebhook[] = [];
        const progress: [string, CallProgress][] = [
          ['initiated', 'initiated'],
          ['ringing', 'ringing'],
          ...(ending === 'completed' ? ([['answered', 'in-progress']] as [string, CallProgress][]) : []),
        ];
        for (const [event, status] of progress) {
          if (call.statusCallbackEvents.includes(event)) posted.push(await this.postCallStatus(call.sid, status, options));
        }
        posted.push(await this.postCallStatus(call.sid, ending, options));
        return posted;
      },
    ).then((lists) => lists.flat());
  }

  /** An SMS from a customer, posted to Herald's inbound-SMS webhook as Twilio does. */
  async sendInboundSms(url: string, sms: { from: string; to: string; body: string }): Promise<PostedWebhook> {
    const sid = `SM${randomBytes(16).toString('hex')}`;
    return this.postSigned(url, {
      AccountSid: this.accountSid,
      ApiVersion: '2010-04-01',
      Body: sms.body,
      From: sms.from,
      FromCity: '',
      FromCountry: '',
      FromState: '',
      FromZip: '',
      MessageSid: sid,
      NumMedia: '0',
      NumSegments: '1',
      SmsMessageSid: sid,
      SmsSid: sid,
      SmsStatus: 'received',
      To: sms.to,
      ToCity: '',
      ToCountry: 'US',
      ToState: '',
      ToZip: '',
    });
  }

  /** Any webhook, signed with this account's token over exactly `url` and `params`. */
  async postSigned(url: string, params: Record<string, string>): Promise<PostedWebhook> {
    const signature = twilioSignature(this.authToken, url, params);
    let status = 0;
    let body = '';
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'X-Twilio-Signature': signature,
          'I-Twilio-Idempotency-Token': randomUUID(),
          'User-Agent': 'TwilioProxy/1.1',
        },
        body: new URLSearchParams(params),
      });
      status = response.status;
      body = await response.text();
    } catch (error) {
      body = (error as Error).message;
    }
    const posted = { url, params, signature, status, body };
    this.webhooks.push(posted);
    return posted;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((closed) => this.server.close(() => closed()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const params = parseForm(Buffer.concat(chunks).toString('utf8'));
    const path = request.url ?? '/';
    const authorized =
      request.headers.authorization === `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`;
    const recorded: RecordedRequest = { method: request.method ?? '', path, params, authorized, at: new Date() };
    this.requests.push(recorded);
    this.onRequest?.(recorded);

    const reply: Reply = {
      answer: (status, body, sid) => {
        recorded.outcome = { status, ...(sid ? { sid } : {}) };
        response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
        response.end(JSON.stringify(body));
      },
      reset: (sid) => {
        recorded.outcome = { status: 'reset', ...(sid ? { sid } : {}) };
        request.socket.destroy();
      },
    };
    const url = new URL(path, 'http://twilio');
    const route = url.pathname;
    if (!route.startsWith(`${API}${this.accountSid}/`) || !authorized) {
      return reply.answer(401, {
        ...twilioError(20003, 'Authenticate', 401),
        detail: 'Your AccountSid or AuthToken was incorrect.',
      });
    }
    const resource = route.slice(`${API}${this.accountSid}`.length);
    if (request.method === 'GET') {
      if (resource === '/Messages.json') {
        const to = url.searchParams.get('To');
        const messages = to === null ? this.messages : (this.messagesTo.get(to) ?? []);
        return reply.answer(...listPage(MESSAGE_LIST, route, url.searchParams, messages, (m) => this.messageResource(m)));
      }
      if (resource === '/Calls.json') {
        const to = url.searchParams.get('To');
        const calls = to === null ? this.calls : (this.callsTo.get(to) ?? []);
        return reply.answer(...listPage(CALL_LIST, route, url.searchParams, calls, (c) => this.callResource(c)));
      }
      const message = this.messagesBySid.get(/^\/Messages\/(SM[0-9a-f]{32})\.json$/.exec(resource)?.[1] ?? '');
      if (message) return reply.answer(200, this.messageResource(message));
      const call = this.callsBySid.get(/^\/Calls\/(CA[0-9a-f]{32})\.json$/.exec(resource)?.[1] ?? '');
      if (call) return reply.answer(200, this.callResource(call));
    }
    if (request.method === 'POST' && resource === '/Messages.json')
      return this.create('message', params, MESSAGE_PARAMETERS, reply, (p) => this.createMessage(p));
    if (request.method === 'POST' && resource === '/Calls.json')
      return this.create('call', params, CALL_PARAMETERS, reply, (p) => this.createCall(p));
    return reply.answer(404, notFound(route));
  }

  private async create(
    kind: CreateRequest['kind'],
    params: TwilioForm,
    accepted: Set<string>,
    reply: Reply,
    make: (params: TwilioForm) => Answer,
  ): Promise<void> {
    const unknown = Object.keys(params).filter((name) => !accepted.has(name));
    if (unknown.length > 0)
      return reply.answer(400, { status: 400, message: `fake Twilio: unknown parameters ${unknown.join(', ')}` });
    const failure = this.failureFor(kind, first(params.To));
    // Made now, whatever the caller hears next.
    const made = failure?.after === 'create' ? make(params) : undefined;
    const madeSid = made?.[2];
    if (failure?.delayMs) await new Promise((later) => setTimeout(later, failure.delayMs));
    if (failure?.reset) return reply.reset(madeSid);
    if (failure && (failure.code !== undefined || failure.status !== undefined)) {
      const status = failure.status ?? (failure.code === 20429 ? 429 : failure.code !== undefined ? 400 : 500);
      const body = twilioError(failure.code ?? 20500, failure.code ? `Error ${failure.code}` : 'Internal Server Error', status);
      return reply.answer(status, body, madeSid);
    }
    reply.answer(...(made ?? make(params)));
  }

  /** A failure set for the number with `failFor`, else whatever the `faults` hook says. */
  private failureFor(kind: CreateRequest['kind'], to: string | undefined): Failure | undefined {
    if (to === undefined) return undefined;
    const failure = this.failures.get(to);
    if (!failure) return this.faults?.({ kind, to });
    if (failure.times !== undefined && --failure.times <= 0) this.failures.delete(to);
    return failure;
  }

  private createMessage(params: TwilioForm): Answer {
    const to = first(params.To);
    if (!to) return [400, twilioError(21604, "A 'To' phone number is required.", 400)];
    if (!first(params.Body) && !params.MediaUrl && !first(params.ContentSid))
      return [400, twilioError(21602, 'Message body is required.', 400)];
    if (!first(params.From) && !first(params.MessagingServiceSid))
      return [400, twilioError(21603, "A 'From' phone number is required.", 400)];
    const now = new Date();
    const message: FakeMessage = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      to,
      from: first(params.From) ?? null,
      body: first(params.Body) ?? '',
      messagingServiceSid: first(params.MessagingServiceSid) ?? null,
      statusCallback: first(params.StatusCallback) ?? null,
      status: 'queued',
      errorCode: null,
      params,
      createdAt: now,
      updatedAt: now,
    };
    this.messages.push(message);
    this.messagesTo.set(message.to, [...(this.messagesTo.get(message.to) ?? []), message]);
    this.messagesBySid.set(message.sid, message);
    return [201, this.messageResource(message), message.sid];
  }

  private createCall(params: TwilioForm): Answer {
    const to = first(params.To);
    const from = first(params.From);
    if (!to) return [400, twilioError(21201, "No 'To' number is specified", 400)];
    if (!from) return [400, twilioError(21213, "No 'From' number is specified", 400)];
    if (!first(params.Url) && !first(params.Twiml) && !first(params.ApplicationSid)) {
      return [400, twilioError(21205, 'Url, Twiml or ApplicationSid is required.', 400)];
    }
    const now = new Date();
    const call: FakeCall = {
      sid: `CA${randomBytes(16).toString('hex')}`,
      to,
      from,
      twiml: first(params.Twiml) ?? null,
      url: first(params.Url) ?? null,
      statusCallback: first(params.StatusCallback) ?? null,
      statusCallbackEvents: ([] as string[]).concat(params.StatusCallbackEvent ?? []),
      machineDetection: first(params.MachineDetection) ?? null,
      status: 'queued',
      sequence: 0,
      params,
      createdAt: now,
      updatedAt: now,
      endedAt: null,
    };
    this.calls.push(call);
    this.callsTo.set(call.to, [...(this.callsTo.get(call.to) ?? []), call]);
    this.callsBySid.set(call.sid, call);
    return [201, this.callResource(call), call.sid];
  }

  private messageResource(m: FakeMessage) {
    const uri = `${API}${this.accountSid}/Messages/${m.sid}`;
    return {
      account_sid: this.accountSid,
      api_version: '2010-04-01',
      body: m.body,
      date_created: rfc2822(m.createdAt),
      // Sent as soon as created.
      date_sent: rfc2822(m.createdAt),
      date_updated: rfc2822(m.updatedAt),
      direction: 'outbound-api',
      error_code: m.errorCode,
      error_message: null,
      from: m.from,
      messaging_service_sid: m.messagingServiceSid,
      num_media: '0',
      num_segments: '1',
      price: null,
      price_unit: null,
      sid: m.sid,
      status: m.status,
      subresource_uris: { media: `${uri}/Media.json` },
      to: m.to,
      uri: `${uri}.json`,
    };
  }

  private callResource(c: FakeCall) {
    const uri = `${API}${this.accountSid}/Calls/${c.sid}`;
    return {
      account_sid: this.accountSid,
      answered_by: null,
      api_version: '2010-04-01',
      caller_name: null,
      date_created: rfc2822(c.createdAt),
      date_updated: rfc2822(c.updatedAt),
      direction: 'outbound-api',
      duration: null,
      end_time: c.endedAt && rfc2822(c.endedAt),
      forwarded_from: null,
      from: c.from,
      from_formatted: c.from,
      group_sid: null,
      parent_call_sid: null,
      phone_number_sid: `PN${'0'.repeat(32)}`,
      price: null,
      price_unit: 'USD',
      queue_time: '0',
      sid: c.sid,
      // Connected as soon as created.
      start_time: rfc2822(c.createdAt),
      status: c.status,
      subresource_uris: {
        notifications: `${uri}/Notifications.json`,
        recordings: `${uri}/Recordings.json`,
        events: `${uri}/Events.json`,
      },
      to: c.to,
      to_formatted: c.to,
      trunk_sid: null,
      uri: `${uri}.json`,
    };
  }
}

function parseForm(text: string): TwilioForm {
  const params: TwilioForm = {};
  for (const [name, value] of new URLSearchParams(text)) {
    const previous = params[name];
    params[name] = previous === undefined ? value : ([] as string[]).concat(previous, value);
  }
  return params;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function twilioError(code: number, message: string, status: number) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

function notFound(route: string) {
  return twilioError(20404, `The requested resource ${route} was not found`, 404);
}

/** Twilio's dates: `Thu, 24 Aug 2023 05:01:45 +0000`. */
function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

function rawDlrDate(date: Date): string {
  return date.toISOString().replace(/\D/g, '').slice(2, 12);
}

async function pooled<T, R>(items: T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CALLBACK_CONCURRENCY, items.length) }, worker));
  return results;
}
