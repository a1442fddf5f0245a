import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import twilio from 'twilio';
import { AppConfig } from '../config/app-config';

/**
 * Without Twilio credentials only the sandbox sends Twilio callbacks, and it sends them to its
 * own process; a token made at start means nobody else can forge one.
 */
const SANDBOX_TOKEN = randomBytes(24).toString('hex');

export type TwilioParams = Record<string, string | string[]>;

/**
 * Twilio's webhook signature (X-Twilio-Signature): HMAC-SHA1 keyed by the auth token over the
 * URL Twilio called, then every POST parameter, sorted by name. The URL is the public one
 * Herald is configured with; the address a proxy forwarded to does not count.
 */
@Injectable()
export class TwilioWebhookSigner {
  private readonly token: string;
  private readonly publicBaseUrl: string;

  constructor(config: AppConfig) {
    this.token = config.channels.twilio?.authToken ?? SANDBOX_TOKEN;
    this.publicBaseUrl = config.publicBaseUrl.replace(/\/+$/, '');
  }

  /** `originalUrl` is the path and query the request arrived with. */
  publicUrl(originalUrl: string): string {
    return `${this.publicBaseUrl}${originalUrl}`;
  }

  sign(url: string, params: TwilioParams): string {
    return twilio.getExpectedTwilioSignature(this.token, url, params);
  }

  isValid(signature: string, url: string, params: TwilioParams): boolean {
    return twilio.validateRequest(this.token, signature, url, params);
  }
}
