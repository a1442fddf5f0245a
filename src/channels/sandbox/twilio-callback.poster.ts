import { AddressInfo } from 'node:net';
import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { TwilioWebhookSigner } from '../twilio-webhook.signer';

/**
 * Posts a webhook as Twilio would: form-encoded, signed over the public URL. It goes to this
 * instance's own listener, whatever PUBLIC_BASE_URL points at (a tunnel, a load balancer), so
 * the instance that signed it is the one that checks it.
 */
@Injectable()
export class TwilioCallbackPoster {
  constructor(
    private readonly signer: TwilioWebhookSigner,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** `pathAndQuery` as Twilio would request it; resolves to the webhook's HTTP status. */
  async post(pathAndQuery: string, params: Record<string, string>): Promise<number> {
    const signature = this.signer.sign(this.signer.publicUrl(pathAndQuery), params);
    const response = await fetch(`${this.ownOrigin()}${pathAndQuery}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature },
      body: new URLSearchParams(params),
    });
    await response.arrayBuffer();
    return response.status;
  }

  private ownOrigin(): string {
    const address = this.adapterHost.httpAdapter.getHttpServer().address() as AddressInfo | string | null;
    if (!address || typeof address === 'string')
      throw new Error('Herald is not listening on a TCP port: nowhere to post the callback');
    const host = ['0.0.0.0', '::'].includes(address.address) ? '127.0.0.1' : address.address;
    return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }
}
