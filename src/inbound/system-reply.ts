import { Injectable } from '@nestjs/common';
import { Customer, Locale, LOCALES } from '../customers/customer.entity';
import { TemplatesService } from '../templates/templates.service';

const escapeXml = (text: string) =>
  text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/**
 * Replies to an inbound SMS inside the webhook's own TwiML. They answer what the customer just
 * asked (an opt-out confirmation, help, which transaction), so they bypass the outbox: its policy
 * would rightly suppress SMS to someone who just said STOP. Each is logged as a contact attempt,
 * in the statement that keeps the message (InboundMessageStore), at the version current now.
 */
@Injectable()
export class SystemReply {
  constructor(private readonly templates: TemplatesService) {}

  /** The version of a reply each locale renders now; a locale without the variant has none (and no log). */
  versions(templateKey: string): Partial<Record<Locale, string>> {
    const versions: Partial<Record<Locale, string>> = {};
    for (const locale of LOCALES) {
      try {
        versions[locale] = this.templates.pin(templateKey, locale, 'sms');
      } catch {
        // Rendering for that locale fails below with the template library's own error.
      }
    }
    return versions;
  }

  async twiml(customer: Customer, templateKey: string, variables: Record<string, unknown> = {}): Promise<string> {
    const rendered = await this.templates.render({
      key: templateKey,
      locale: customer.locale,
      channel: 'sms',
      customer,
      variables,
    });
    return `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${escapeXml(rendered.sms!.body)}</Message></Response>`;
  }
}
