/**
 * `npm run bench:channels` — SMS per second that one process pushes through the real `twilio`
 * SDK (Herald's TwilioSmsChannel) to the local Twilio of the tests, pacing off: one send at a
 * time, then more in flight. The local Twilio runs in a process of its own, so the CPU figures
 * are the sender's alone. Each figure is taken twice in alternating rounds: with Herald's
 * transport (Node's http, kept-alive sockets) and with the SDK's stock transport (axios) — the
 * naive way — on the same local Twilio. On loopback a send takes about a millisecond; at Twilio's
 * real latency (100–300 ms) only sends in flight make a rate. Last line: JSON.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import { TwilioSettings } from '../src/channels/channels.config';
import { createTwilioClient } from '../src/channels/twilio-request.client';
import { TwilioSmsChannel } from '../src/channels/twilio-sms.channel';
import { FakeTwilio } from '../test/support/fake-twilio.server';

const TOTAL = Number(process.env.BENCH_SMS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const IN_FLIGHT = [1, 8, 32];
const PUBLIC = 'https://herald.example.com';

interface Run {
  perSecond: number;
  p99Ms: number;
  /** The sender's CPU (user + system) per SMS. */
  cpuUsPerSms: number;
}

async function sendAll(channel: TwilioSmsChannel, total: number, inFlight: number): Promise<Run> {
  const latencies: number[] = [];
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const worker = async () => {
    while (next++ < total) {
      const t0 = performance.now();
      await channel.send({
        attemptId: randomUUID(),
        to: '+8613800138000',
        body: '【卡中心】您的账单已出，本期应还 ¥1,234.56。回复TD退订',
      });
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - started) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  return {
    perSecond: Math.round(total / seconds),
    p99Ms: Number(latencies[Math.floor(latencies.length * 0.99)].toFixed(1)),
    cpuUsPerSms: Math.round((user + system) / total),
  };
}

/** The SDK's own client (axios), sent to the local Twilio: what a team would start from. */
function stockClient(settings: TwilioSettings): twilio.Twilio {
  class Redirected extends twilio.RequestClient {
    constructor() {
      super({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64 });
      this.axios.defaults.httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64 });
    }
    override request<TData>(opts: RequestClient.RequestOptions<TData>) {
      return super.request({ ...opts, uri: opts.uri.replace('https://api.twilio.com', settings.apiBaseUrl!) });
    }
  }
  return twilio(settings.accountSid, settings.authToken, { httpClient: new Redirected(), autoRetry: false });
}

/** The local Twilio in a child process; resolves with its address and credentials, and a way to empty its records. */
function twilioProcess(): Promise<{ settings: TwilioSettings; forget(): Promise<void>; close(): void }> {
  const child = fork(__filename, ['--twilio'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (settings: TwilioSettings) =>
      resolve({
        settings,
        // Its records grow with every run and slow it down: each run starts it empty.
        forget: () => new Promise((done) => (child.once('message', () => done()), child.send('forget'))),
        close: () => child.kill(),
      }),
    );
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const local = await twilioProcess();
  const { settings } = local;
  const channels = {
    herald: new TwilioSmsChannel(createTwilioClient(settings), settings, PUBLIC),
    stock: new TwilioSmsChannel(stockClient(settings), settings, PUBLIC),
  };
  try {
    for (const channel of Object.values(channels)) await sendAll(channel, 1000, 32); // warm-up: JIT, sockets
    console.log(`twilio SDK → local Twilio (its own process), ${TOTAL} SMS per run, pacing off, ${ROUNDS} rounds`);
    const runs = { herald: new Map<number, Run[]>(), stock: new Map<number, Run[]>() };
    for (let round = 1; round <= ROUNDS; round++) {
      for (const inFlight of IN_FLIGHT) {
        // Each goes first in every other round.
        for (const transport of round % 2 ? (['herald', 'stock'] as const) : (['stock', 'herald'] as const)) {
          await local.forget();
          const run = await sendAll(channels[transport], inFlight === 1 ? Math.min(TOTAL, 5000) : TOTAL, inFlight);
          runs[transport].set(inFlight, [...(runs[transport].get(inFlight) ?? []), run]);
          console.log(
            `  round ${round}, ${transport.padEnd(6)} ${String(inFlight).padStart(2)} in flight: ${run.perSecond}/s` +
              ` (p99 ${run.p99Ms} ms, ${run.cpuUsPerSms} µs CPU per SMS)`,
          );
        }
      }
    }
    const summary = (transport: 'herald' | 'stock', inFlight: number) => {
      const list = runs[transport].get(inFlight)!;
      return {
        perSecond: median(list.map((r) => r.perSecond)),
        p99Ms: median(list.map((r) => r.p99Ms)),
        cpuUsPerSms: median(list.map((r) => r.cpuUsPerSms)),
      };
    };
    const bestInFlight = IN_FLIGHT.reduce((best, n) =>
      summary('herald', n).perSecond > summary('herald', best).perSecond ? n : best,
    );
    const [herald, stock] = [summary('herald', bestInFlight), summary('stock', bestInFlight)];
    console.log(
      JSON.stringify({
        twilioSdkPerSec: herald.perSecond,
        twilioSdkP99Ms: herald.p99Ms,
        bestInFlight,
        serialPerSec: summary('herald', 1).perSecond,
        cpuUsPerSms: herald.cpuUsPerSms,
        stockTransportPerSec: stock.perSecond,
        stockTransportCpuUsPerSms: stock.cpuUsPerSms,
        vsStockTransport: Number((herald.perSecond / stock.perSecond).toFixed(2)),
      }),
    );
  } finally {
    local.close();
  }
}

if (process.argv.includes('--twilio')) {
  void FakeTwilio.start().then((fake) => {
    process.on('message', () => {
      fake.forget();
      process.send!('forgotten');
    });
    process.send!({
      accountSid: fake.accountSid,
      authToken: fake.authToken,
      messagingServiceSid: undefined,
      fromNumber: '+15005550006',
      apiBaseUrl: fake.baseUrl,
    } satisfies TwilioSettings);
  });
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
