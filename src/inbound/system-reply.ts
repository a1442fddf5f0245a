import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { Customer } from '../customers/customer.entity';
import { TemplatesService } from '../templates/templates.service';

const escapeXml = (text: string) =>
  text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/**
 * Replies to an inbound SMS inside the webhook's own TwiML. They answer what the customer just
 * asked (an opt-out confirmation, help, which transaction), so they bypass the outbox: its policy
 * would rightly suppress SMS to someone who just said STOP. Each is logged as a contact attempt.
 */
@Injectable()
export class SystemReply {
  constructor(
    private readonly templates: TemplatesService,
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async sms(
    customer: Customer,
    templateKey: string,
    variables: Record<string, unknown> = {},
    subjectRef?: string,
  ): Promise<string> {
    const rendered = await this.templates.render({
      key: templateKey,
      locale: customer.locale,
      channel: 'sms',
      customer,
      variables,
    });
    await this.db.query(
      `INSERT INTO contact_attempts (customer_id, subject_ref, purpose, channel, provider, status, template_key, template_version, attempted_at, updated_at)
       VALUES ($1, $2, 'service', 'sms', 'twilio', 'sent', $3, $4, $5, $5)`,
      [customer.id, subjectRef ?? null, templateKey, rendered.version, this.clock.now()],
    );
    return `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${escapeXml(rendered.sms!.body)}</Message></Response>`;
  }
}
