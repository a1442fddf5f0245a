import http from 'node:http';
import https from 'node:https';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';
import { TwilioSettings } from './channels.config';

const TWILIO_API = 'https://api.twilio.com';

export interface TwilioHttpOptions {
  /** Where requests for https://api.twilio.com go instead (a local Twilio in tests). */
  baseUrl?: string;
  timeoutMs?: number;
  /** Connections kept open to the API; enough for hundreds of sends a second at Twilio's latency. */
  maxSockets?: number;
}

/**
 * The SDK's HTTP client, its request made by Node's own http module over a bounded pool of
 * kept-alive connections, to the API or to another base URL. The stock client goes through axios
 * and its interceptors, which cost the event loop more than the rest of a send (bench:dispatch);
 * the SDK needs only the status, the body and the headers back. The class is the SDK's so that
 * the SDK accepts it; its axios instance is never used.
 */
export class TwilioRequestClient extends twilio.RequestClient {
  private readonly baseUrl: string | undefined;
  private readonly agents: { 'http:': http.Agent; 'https:': https.Agent };

  constructor({ baseUrl, timeoutMs = 10_000, maxSockets = 64 }: TwilioHttpOptions = {}) {
    super({ timeout: timeoutMs });
    this.baseUrl = baseUrl?.replace(/\/+$/, '');
    const pool = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets, timeout: timeoutMs };
    this.agents = { 'http:': new http.Agent(pool), 'https:': new https.Agent(pool) };
  }

  override async request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    const uri = this.baseUrl && opts.uri.startsWith(TWILIO_API) ? this.baseUrl + opts.uri.slice(TWILIO_API.length) : opts.uri;
    const url = new URL(uri);
    if (opts.params) url.search = formEncoded(opts.params);
    const headers: http.OutgoingHttpHeaders = { ...opts.headers, Connection: 'keep-alive' };
    if (opts.username && opts.password) {
      headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
    } else if (opts.authStrategy) {
      headers.Authorization = await opts.authStrategy.getAuthString();
    }
    const body = opts.data === undefined ? undefined : encodeBody(opts.data, headers['Content-Type']);
    if (body !== undefined) headers['Content-Length'] = Buffer.byteLength(body);
    const transport = url.protocol === 'https:' ? https : http;
    const agent = url.protocol === 'https:' ? this.agents['https:'] : this.agents['http:'];

    return new Promise((resolve, reject) => {
      const request = transport.request(url, { method: opts.method.toUpperCase(), headers, agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        // The body as text: the SDK parses it itself (its Version does, for every client).
        const body = () => Buffer.concat(chunks).toString('utf8') as unknown as TData;
        response.on('end', () => resolve({ statusCode: response.statusCode ?? 0, body: body(), headers: response.headers }));
        response.on('error', reject);
      });
      request.setTimeout(opts.timeout ?? this.defaultTimeout, () =>
        request.destroy(Object.assign(new Error('the Twilio API did not answer in time'), { code: 'ETIMEDOUT' })),
      );
      request.on('error', reject);
      request.end(body);
    });
  }
}

/** The SDK's form encoding: an array is its key repeated; an absent value is left out. */
function formEncoded(values: object): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    for (const item of Array.isArray(value) ? value : [value])
      if (item !== undefined) form.append(key, item === null ? '' : String(item));
  }
  return form.toString();
}

function encodeBody(data: unknown, contentType: http.OutgoingHttpHeader | undefined): string | undefined {
  if (contentType === 'application/json') return JSON.stringify(data);
  if (contentType === 'application/x-www-form-urlencoded') return formEncoded(data as object);
  return undefined;
}

/** Connections kept for urgent sends (fraud alerts: a handful at a time). */
const URGENT_SOCKETS = 8;

/**
 * Two clients of one account, each on a connection pool of its own: a campaign's sends fill the
 * bulk pool (more sends in flight than sockets wait in its queue, first come first served), and a
 * fraud alert on the urgent pool never waits behind them.
 */
export function createTwilioClients(
  settings: TwilioSettings,
  http: Omit<TwilioHttpOptions, 'baseUrl'> = {},
): { bulk: twilio.Twilio; urgent: twilio.Twilio } {
  return {
    bulk: createTwilioClient(settings, http),
    urgent: createTwilioClient(settings, { ...http, maxSockets: URGENT_SOCKETS }),
  };
}

export function createTwilioClient(settings: TwilioSettings, http: Omit<TwilioHttpOptions, 'baseUrl'> = {}): twilio.Twilio {
  return twilio(settings.accountSid, settings.authToken, {
    httpClient: new TwilioRequestClient({ ...http, baseUrl: settings.apiBaseUrl }),
    // Retries are the dispatcher's, with its own backoff and its own count of attempts.
    autoRetry: false,
  });
}
