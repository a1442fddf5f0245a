import { createServer, IncomingHttpHeaders } from 'node:http';
import { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A subscriber's endpoint on loopback: keeps every delivery as it came (raw body, headers) and
 * answers 204 — or 503 while it is `down`, as a receiver being redeployed would.
 */
export class EventReceiver {
  readonly received: Received[] = [];
  down = false;
  refused = 0;
  url = '';

  private readonly server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (this.down) {
        this.refused++;
        response.writeHead(503).end();
        return;
      }
      this.received.push({ headers: request.headers, body });
      response.writeHead(204).end();
    });
  });

  static async start(): Promise<EventReceiver> {
    const receiver = new EventReceiver();
    await new Promise<void>((listening) => receiver.server.listen(0, '127.0.0.1', listening));
    receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/events`;
    return receiver;
  }

  /** The deliveries' events, parsed, once each (a receiver de-duplicates by id). */
  events(): { id: string; type: string; occurredAt: string; data: Record<string, unknown> }[] {
    const seen = new Set<string>();
    return this.received.map((r) => JSON.parse(r.body)).filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true)));
  }

  close(): Promise<void> {
    return new Promise((closed) => this.server.close(() => closed()));
  }
}
