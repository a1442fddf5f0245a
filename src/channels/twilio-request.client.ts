import http from 'node:http';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
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
 * The SDK's own HTTP client with two changes: requests may go to another base URL, and both
 * agents keep a bounded pool of live connections. The SDK configures only its https agent (20
 * sockets, 5 kept idle), too few at Twilio's latency; a plain-http base URL would otherwise use
 * Node's global agent.
 */
export class TwilioRequestClient extends twilio.RequestClient {
  private readonly baseUrl: string | undefined;

  constructor({ baseUrl, timeoutMs = 10_000, maxSockets = 64 }: TwilioHttpOptions = {}) {
    super({ timeout: timeoutMs, keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
    this.baseUrl = baseUrl?.replace(/\/+$/, '');
    this.axios.defaults.httpAgent = new http.Agent({
      keepAlive: true,
      maxSockets,
      maxFreeSockets: maxSockets,
      timeout: timeoutMs,
    });
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const uri = this.baseUrl && opts.uri.startsWith(TWILIO_API) ? this.baseUrl + opts.uri.slice(TWILIO_API.length) : opts.uri;
    return super.request({ ...opts, uri });
  }
}

export function createTwilioClient(settings: TwilioSettings, http: Omit<TwilioHttpOptions, 'baseUrl'> = {}): twilio.Twilio {
  return twilio(settings.accountSid, settings.authToken, {
    httpClient: new TwilioRequestClient({ ...http, baseUrl: settings.apiBaseUrl }),
    // Retries are the dispatcher's, with its own backoff and its own count of attempts.
    autoRetry: false,
  });
}
