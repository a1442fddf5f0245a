/**
 * `npm run bench:channels` — SMS per second that one process pushes through the real `twilio`
 * SDK (Herald's TwilioSmsChannel) to the local Twilio of the tests, which runs in the same
 * process, pacing off: one send at a time, then more in flight. On loopback a send takes about
 * a millisecond; at Twilio's real latency (100–300 ms) only sends in flight make a rate. Last
 * line: JSON.
 */
import { randomUUID } from 'node:crypto';
import { TwilioSettings } from '../src/channels/channels.config';
import { createTwilioClient } from '../src/channels/twilio-request.client';
import { TwilioSmsChannel } from '../src/channels/twilio-sms.channel';
import { FakeTwilio } from '../test/support/fake-twilio.server';

const TOTAL = Number(process.env.BENCH_SMS ?? 20_000);
const IN_FLIGHT = [1, 8, 32];

async function sendAll(
  channel: TwilioSmsChannel,
  total: number,
  inFlight: number,
): Promise<{ perSecond: number; p99Ms: number }> {
  const latencies: number[] = [];
  let next = 0;
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
  latencies.sort((a, b) => a - b);
  return { perSecond: Math.round(total / seconds), p99Ms: Number(latencies[Math.floor(latencies.length * 0.99)].toFixed(1)) };
}

async function main(): Promise<void> {
  const fake = await FakeTwilio.start();
  const settings: TwilioSettings = {
    accountSid: fake.accountSid,
    authToken: fake.authToken,
    messagingServiceSid: undefined,
    fromNumber: '+15005550006',
    apiBaseUrl: fake.baseUrl,
  };
  const channel = new TwilioSmsChannel(createTwilioClient(settings), settings, 'https://herald.example.com');
  try {
    await sendAll(channel, 1000, 32); // warm-up: JIT, sockets
    console.log(`twilio SDK → local Twilio (same process), ${TOTAL} SMS per run, pacing off`);
    const runs: Record<number, { perSecond: number; p99Ms: number }> = {};
    for (const inFlight of IN_FLIGHT) {
      runs[inFlight] = await sendAll(channel, inFlight === 1 ? Math.min(TOTAL, 5000) : TOTAL, inFlight);
      console.log(`  ${String(inFlight).padStart(2)} in flight: ${runs[inFlight].perSecond}/s (p99 ${runs[inFlight].p99Ms} ms)`);
    }
    const bestInFlight = IN_FLIGHT.reduce((best, n) => (runs[n].perSecond > runs[best].perSecond ? n : best));
    const best = runs[bestInFlight];
    console.log(
      JSON.stringify({
        twilioSdkPerSec: best.perSecond,
        twilioSdkP99Ms: best.p99Ms,
        bestInFlight,
        serialPerSec: runs[1].perSecond,
      }),
    );
  } finally {
    await fake.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
