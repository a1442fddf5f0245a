import { createHmac } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';

export interface CoreNotice {
  event: 'card_hold' | 'card_release' | 'card_block';
  caseId: string;
  customerRef: string;
  transactionRef: string;
  at: string;
}

const DELAYS_MS = [0, 1_000, 5_000, 30_000];

/** `sha256=<hex HMAC-SHA256 of the raw body>`: what the core system checks in X-Herald-Signature. */
export function signNotice(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Tells the core system about card holds, releases and blocks. Called after the case's
 * transaction commits, never inside it: a slow core system must not hold Herald's locks, and a
 * rolled-back case must never have been announced. Retries in the background; without
 * CORE_NOTICE_URL the notice is only logged.
 */
@Injectable()
export class CoreNoticeSender {
  private readonly logger = new Logger('CoreNotice');
  private readonly url: string | undefined;
  private readonly secret: string | undefined;

  constructor(config: AppConfig) {
    ({ coreNoticeUrl: this.url, coreNoticeSecret: this.secret } = config.fraud);
  }

  /** Fire and forget: resolves when delivered or given up, never rejects. */
  async send(notice: CoreNotice): Promise<boolean> {
    if (!this.url || !this.secret) {
      this.logger.log({ notice }, 'core notice (CORE_NOTICE_URL unset, not sent)');
      return false;
    }
    const body = JSON.stringify(notice);
    for (const delay of DELAYS_MS) {
      // Unref: a notice still retrying must not keep a stopping process alive.
      if (delay) await new Promise((wait) => setTimeout(wait, delay).unref());
      try {
        const response = await fetch(this.url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Herald-Signature': signNotice(this.secret, body) },
          body,
          signal: AbortSignal.timeout(5_000),
        });
        if (response.ok) return true;
        this.logger.warn({ caseId: notice.caseId, event: notice.event, status: response.status }, 'core notice refused');
      } catch (error) {
        this.logger.warn({ caseId: notice.caseId, event: notice.event, error: (error as Error).message }, 'core notice failed');
      }
    }
    this.logger.error({ caseId: notice.caseId, event: notice.event }, 'core notice given up');
    return false;
  }
}
