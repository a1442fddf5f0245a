import { Injectable } from '@nestjs/common';
import { statusCallbackUrl, TWILIO_WEBHOOK_PATHS } from '../channels/twilio-webhook.paths';
import { AppConfig } from '../config/app-config';
import { Customer } from '../customers/customer.entity';
import { TemplatesService } from '../templates/templates.service';
import { TEMPLATE_CHANNEL } from './contact-task.entity';
import { Outgoing } from './courier';
import { ClaimedTask } from './outbox.repository';

/** Where customers reach Herald from what it sent them: the IVR's digits, the one-click unsubscribe. */
export const CUSTOMER_LINKS = {
  gather: (base: string, attemptId: string) => statusCallbackUrl(base, TWILIO_WEBHOOK_PATHS.ivrGather, attemptId),
  unsubscribe: (base: string, attemptId: string) => `${base}/unsubscribe/${attemptId}`,
};

/** Renders a task's pinned template for its customer and addresses it. */
@Injectable()
export class MessageComposer {
  private readonly base: string;

  constructor(
    private readonly templates: TemplatesService,
    config: AppConfig,
  ) {
    this.base = config.publicBaseUrl.replace(/\/+$/, '');
  }

  async compose(task: ClaimedTask, customer: Customer, attemptId: string): Promise<{ outgoing: Outgoing; version: string }> {
    const rendered = await this.templates.render({
      key: task.templateKey,
      locale: customer.locale,
      channel: TEMPLATE_CHANNEL[task.channel],
      version: task.templateVersion ?? undefined,
      customer,
      variables: task.variables,
      unsubscribeUrl: CUSTOMER_LINKS.unsubscribe(this.base, attemptId),
      gatherActionUrl: CUSTOMER_LINKS.gather(this.base, attemptId),
    });
    const outgoing: Outgoing =
      task.channel === 'sms'
        ? { channel: 'sms', to: customer.phone!, body: rendered.sms!.body }
        : task.channel === 'call'
          ? { channel: 'call', to: customer.phone!, twiml: rendered.voice!.twiml }
          : { channel: 'email', to: customer.email!, ...rendered.email! };
    return { outgoing, version: rendered.version };
  }
}
