import { Injectable } from '@nestjs/common';
import { ChannelError } from '../channels/channel.error';
import { ChannelsConfig, PacingSettings } from '../channels/channels.config';
import { EmailChannel } from '../channels/email.channel';
import { SmsChannel } from '../channels/sms.channel';
import { VoiceChannel } from '../channels/voice.channel';
import { AppConfig } from '../config/app-config';
import { AttemptResult } from './attempt-log.repository';
import { AttemptStatus } from './contact-attempt';
import { ContactChannel } from './contact-task.entity';
import { SendPacer } from './send-pacer';
import { SendWindow } from './send-window';

/** Time for a bulk batch's first attempts to be opened between reserving slots and the first send. */
const SLOT_LEAD_MS = 250;

/** Sends per second a channel's sender may make; 0 is unpaced. */
export function channelRate(channel: ContactChannel, pacing: PacingSettings): number {
  return channel === 'sms' ? pacing.smsPerSecond : channel === 'call' ? pacing.callsPerSecond : pacing.emailPerSecond;
}

/** Who carries a channel's messages, as the contact log names it. */
export function providerOf(channel: ContactChannel, config: ChannelsConfig): string {
  if (channel === 'email') return config.smtpUrl ? 'smtp' : 'sandbox';
  return config.twilio ? 'twilio' : 'sandbox';
}

/** A rendered message ready for its channel, addressed. */
export type Outgoing =
  | { channel: 'sms'; to: string; body: string }
  | { channel: 'call'; to: string; twiml: string }
  | { channel: 'email'; to: string; subject: string; html: string; text: string; headers: Record<string, string> };

export interface Parcel {
  attemptId: string;
  outgoing: Outgoing;
  /** A campaign's own cap on its sends per second, on top of the channel's. */
  campaign?: { id: string; perSecond: number };
  urgent?: boolean;
}

/** When a parcel may go, and the paced senders it counts against. */
export interface Slot {
  at: number;
  senders: { sender: string; perSecond: number }[];
}

/** How a send ended, for the dispatcher to decide the task's fate. */
export interface Delivery extends AttemptResult {
  error?: ChannelError;
}

/**
 * Hands parcels to their channels at the pace each sender allows, and turns every answer — or
 * error, or silence — into an attempt result.
 */
@Injectable()
export class Courier {
  /** What this instance has let each paced sender send lately. */
  private readonly windows = new Map<string, SendWindow>();

  constructor(
    private readonly sms: SmsChannel,
    private readonly voice: VoiceChannel,
    private readonly email: EmailChannel,
    private readonly pacer: SendPacer,
    private readonly config: AppConfig,
  ) {}

  /**
   * Reserves the earliest instant each parcel may go (the later of its channel's and its
   * campaign's slot) before its attempt is written, so a failure here leaves nothing that looks
   * half-sent.
   */
  async schedule(parcels: Parcel[]): Promise<Slot[]> {
    // Pacing is about the providers' wall clock, not business time: no injected Clock here. A
    // bulk batch's first slot lies a little ahead, so that writing its attempts does not make it
    // late; an urgent one (a handful of fraud alerts) goes at once.
    const lead = parcels.some((parcel) => !parcel.urgent) ? SLOT_LEAD_MS : 0;
    const now = new Date(Date.now() + lead);
    const slots: Slot[] = parcels.map(() => ({ at: 0, senders: [] }));
    const groups = new Map<string, { perSecond: number; indexes: number[] }>();
    const join = (key: string, perSecond: number, i: number) => {
      if (perSecond <= 0) return;
      const group = groups.get(key) ?? { perSecond, indexes: [] };
      group.indexes.push(i);
      groups.set(key, group);
    };
    parcels.forEach((parcel, i) => {
      join(this.sender(parcel), channelRate(parcel.outgoing.channel, this.config.channels.pacing), i);
      if (parcel.campaign) join(`campaign:${parcel.campaign.id}`, parcel.campaign.perSecond, i);
    });
    for (const [sender, { perSecond, indexes }] of groups) {
      const reserved = await this.pacer.reserve(sender, indexes.length, perSecond, now);
      indexes.forEach((parcelIndex, k) => {
        const slot = slots[parcelIndex];
        slot.at = Math.max(slot.at, reserved[k].getTime());
        slot.senders.push({ sender, perSecond });
      });
    }
    return slots;
  }
  /**
   * Sends one parcel, as soon as its senders' pace allows, and never throws: every outcome —
   * errors, and no answer within `timeoutMs` — is a delivery.
   */
  async deliver(parcel: Parcel, slot: Slot, timeoutMs: number): Promise<Delivery> {
    await waitUntil(slot.at);
    await this.holdForPace(slot);
    return this.send(parcel, timeoutMs);
  }

  /**
   * Slots are spaced, but a busy event loop can wake several sends at once (a late batch, a
   * render, a pause for garbage collection): checked as they fire, no sender's sends ever number
   * more than its limit in any second of real time.
   */
  private async holdForPace(slot: Slot): Promise<void> {
    const windows = slot.senders.map(({ sender, perSecond }) => this.window(sender, perSecond));
    for (;;) {
      const at = Math.max(...windows.map((window) => window.nextAt));
      if (at <= Date.now()) break;
      await waitUntil(at);
    }
    const departed = Date.now();
    windows.forEach((window) => window.depart(departed));
  }

  private window(sender: string, perSecond: number): SendWindow {
    let window = this.windows.get(sender);
    if (!window || window.perSecond !== perSecond) this.windows.set(sender, (window = new SendWindow(perSecond)));
    return window;
  }

  private async send({ attemptId, outgoing, urgent }: Parcel, timeoutMs: number): Promise<Delivery> {
    try {
      const sent = await withTimeout<{ providerRef: string; status: AttemptStatus }>(
        outgoing.channel === 'sms'
          ? this.sms.send({ attemptId, to: outgoing.to, body: outgoing.body, urgent })
          : outgoing.channel === 'call'
            ? this.voice.call({ attemptId, to: outgoing.to, twiml: outgoing.twiml, urgent })
            : this.email.send({ attemptId, ...outgoing }),
        timeoutMs,
      );
      // The provider took it; `pending` in the attempt means only that Herald was about to call.
      return { attemptId, status: sent.status === 'pending' ? 'queued' : sent.status, providerRef: sent.providerRef };
    } catch (error) {
      const failure = error instanceof ChannelError ? error : new ChannelError('transient', undefined, String(error), true);
      return {
        attemptId,
        status: failure.ambiguous ? 'unknown' : 'failed',
        errorCode: failure.providerCode,
        detail: failure.message,
        error: failure,
      };
    }
  }

  /** Fraud alerts go from the centre's own line, paced apart from campaigns so they never queue behind them. */
  private sender({ outgoing, urgent }: Parcel): string {
    const twilio = this.config.channels.twilio;
    const lane = urgent ? ':urgent' : '';
    if (outgoing.channel === 'sms') return `sms:${twilio?.messagingServiceSid ?? twilio?.fromNumber ?? 'sandbox'}${lane}`;
    return outgoing.channel === 'call' ? `call:${twilio?.accountSid ?? 'sandbox'}${lane}` : 'email';
  }
}

/**
 * The provider's answer, or an ambiguous error once `ms` have passed: the request may still
 * reach it, so what became of the message is for the provider's records to say.
 */
function withTimeout<T>(sending: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ChannelError('transient', 'TIMEOUT', `no answer within ${ms} ms`, true)), ms);
  });
  return Promise.race([sending, timeout]).finally(() => clearTimeout(timer));
}

export function waitUntil(instant: number): Promise<void> {
  const wait = instant - Date.now();
  return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
}
