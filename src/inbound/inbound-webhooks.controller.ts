import { Body, Controller, Header, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { TwilioWebhook } from '../channels/twilio-signature.guard';
import { TWILIO_WEBHOOK_PATHS } from '../channels/twilio-webhook.paths';
import { ValidationFailedError } from '../common/domain-error';
import { UuidPipe } from '../common/uuid.pipe';
import { InboundSmsService } from './inbound-sms.service';
import { IvrGatherService } from './ivr-gather.service';
import { Answers, s } from '../common/api-responses';

/** Twilio posts every parameter it likes; only the ones read here are required. */
type TwilioForm = Record<string, string | undefined>;

/** The IVR's digits come back here (CUSTOMER_LINKS.gather in src/dispatch/message-composer.ts). */

function required(form: TwilioForm, ...fields: string[]): void {
  const missing = fields.filter((field) => typeof form[field] !== 'string' || form[field] === '');
  if (missing.length) throw new ValidationFailedError(missing.map((field) => ({ field, reason: 'is required' })));
}

@ApiTags('webhooks')
@Controller()
export class InboundWebhooksController {
  constructor(
    private readonly sms: InboundSmsService,
    private readonly ivr: IvrGatherService,
  ) {}

  @Post(TWILIO_WEBHOOK_PATHS.inboundSms)
  @Answers(s.string(), { mediaType: 'text/xml', description: 'TwiML: the reply, if any' })
  @TwilioWebhook()
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  @ApiOperation({ summary: "An SMS from a customer (Twilio's incoming-message webhook, signed); answers TwiML" })
  inboundSms(@Body() form: TwilioForm) {
    required(form, 'MessageSid', 'From');
    if (typeof form.Body !== 'string') throw new ValidationFailedError([{ field: 'Body', reason: 'is required' }]);
    return this.sms.receive({ messageSid: form.MessageSid!, from: form.From!, to: form.To, body: form.Body });
  }

  @Post(TWILIO_WEBHOOK_PATHS.ivrGather)
  @Answers(s.string(), { mediaType: 'text/xml', description: 'TwiML: what the call says next' })
  @TwilioWebhook()
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  @ApiOperation({ summary: 'Digits pressed in a fraud IVR call (signed): 1 it was me, 2 not me, 0 an agent' })
  gather(@Query('attempt', UuidPipe) attemptId: string, @Body() form: TwilioForm) {
    required(form, 'CallSid');
    if (form.Digits !== undefined && !/^[0-9*#]{0,8}$/.test(form.Digits)) {
      throw new ValidationFailedError([{ field: 'Digits', reason: 'must be keypad digits' }]);
    }
    return this.ivr.gathered({ attemptId, callSid: form.CallSid!, digits: form.Digits ?? '', from: form.From, to: form.To });
  }
}
