import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { ChannelError } from '../channels/channel.error';
import { EmailChannel } from '../channels/email.channel';
import { SmsChannel } from '../channels/sms.channel';
import { VoiceChannel } from '../channels/voice.channel';
import { DomainError } from '../common/domain-error';
import { maskAddress } from '../common/personal-data.mask';
import { AppConfig } from '../config/app-config';
import { Locale } from '../customers/customer.entity';
import { CampaignPreview } from './campaign-preview';
import { CampaignsService } from './campaigns.service';

/** Marks a test send so no member of staff takes it for a real message. */
export const TEST_MARK = '[TEST]';

/** One message of a test send: to whom (masked), in which language, and what the provider said. */
export interface TestSendResult {
  channel: 'sms' | 'email' | 'call';
  locale: Locale;
  to: string;
  /** The provider's id (SM…, CA…, the Message-ID), or absent when it refused. */
  providerRef?: string;
  status: string;
  /** Why the provider refused it, in its words (a wrong seed number, an outage). */
  error?: string;
}

export interface TestSend {
  campaignId: string;
  template: string;
  channel: 'sms' | 'email' | 'call';
  results: TestSendResult[];
}

/**
 * A campaign's first step, sent to the staff seed list (CAMPAIGN_TEST_PHONES, CAMPAIGN_TEST_EMAILS)
 * before launch: rendered exactly as the launch review previews it (the sample customer, the
 * campaign's variables, every language the template has), marked [TEST], through the real
 * channels — outside the customer book, the contact log, the policy and its caps (staff are no
 * customers). The route is audited (who, which campaign); the answer lists every message.
 */
@Injectable()
export class CampaignTestSender {
  private readonly seeds: AppConfig['campaigns']['testSeeds'];

  constructor(
    private readonly campaigns: CampaignsService,
    private readonly previews: CampaignPreview,
    private readonly sms: SmsChannel,
    private readonly email: EmailChannel,
    private readonly voice: VoiceChannel,
    config: AppConfig,
  ) {
    this.seeds = config.campaigns.testSeeds;
  }

  async send(campaignId: string): Promise<TestSend> {
    const campaign = await this.campaigns.get(campaignId);
    const [first] = await this.previews.ofCampaign(campaign);
    if (!first) throw new DomainError('CAMPAIGN_HAS_NO_STEP', 'the campaign has no step to test', HttpStatus.CONFLICT);
    const channel = first.channel;
    const to = channel === 'email' ? this.seeds.emails : this.seeds.phones;
    if (to.length === 0) {
      throw new DomainError(
        'CAMPAIGN_TEST_SEEDS_MISSING',
        `no staff to send a test ${channel} to: set ${channel === 'email' ? 'CAMPAIGN_TEST_EMAILS' : 'CAMPAIGN_TEST_PHONES'}`,
        HttpStatus.CONFLICT,
      );
    }
    const results: TestSendResult[] = [];
    for (const variant of first.variants) {
      // A language the template cannot render for this campaign: nothing to test in it (the review says why).
      if ('problem' in variant) continue;
      for (const address of to) {
        results.push(await this.one(channel, variant.locale, address, variant));
      }
    }
    return { campaignId, template: first.template, channel, results };
  }

  private async one(
    channel: 'sms' | 'email' | 'call',
    locale: Locale,
    to: string,
    rendered: { sms?: { body: string }; email?: { subject: string; html: string; text: string }; voice?: { twiml: string } },
  ): Promise<TestSendResult> {
    // An id of its own: a status callback for it finds no contact attempt and changes nothing.
    const attemptId = randomUUID();
    const shown = { channel, locale, to: maskAddress(to) };
    try {
      if (channel === 'sms') {
        const sent = await this.sms.send({ attemptId, to, body: `${TEST_MARK} ${rendered.sms!.body}` });
        return { ...shown, providerRef: sent.providerRef, status: sent.status };
      }
      if (channel === 'email') {
        const { subject, html, text } = rendered.email!;
        const sent = await this.email.send({
          attemptId,
          to,
          subject: `${TEST_MARK} ${subject}`,
          html,
          text: `${TEST_MARK}\n\n${text}`,
          headers: {},
        });
        return { ...shown, providerRef: sent.providerRef, status: sent.status };
      }
      const placed = await this.voice.call({ attemptId, to, twiml: rendered.voice!.twiml });
      return { ...shown, providerRef: placed.providerRef, status: placed.status };
    } catch (error) {
      if (!(error instanceof ChannelError)) throw error;
      return { ...shown, status: 'failed', error: error.message };
    }
  }
}
