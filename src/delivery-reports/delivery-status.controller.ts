import { Body, Controller, Header, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { TwilioWebhook } from '../channels/twilio-signature.guard';
import { callStatusFromTwilio, messageStatusFromTwilio } from '../channels/twilio-status.mapper';
import { TWILIO_WEBHOOK_PATHS } from '../channels/twilio-webhook.paths';
import { ValidationFailedError } from '../common/domain-error';
import { UuidPipe } from '../common/uuid.pipe';
import { DeliveryReports } from './delivery-reports.service';
import { Answers, s } from '../common/api-responses';

/** Twilio posts every parameter it likes; only the ones read here are required. */
type TwilioForm = Record<string, string | undefined>;

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

function required(form: TwilioForm, field: string): string {
  const value = form[field];
  if (!value) throw new ValidationFailedError([{ field, reason: 'is required' }]);
  return value;
}

@ApiTags('webhooks')
@Controller()
export class DeliveryStatusController {
  constructor(private readonly reports: DeliveryReports) {}

  @Post(TWILIO_WEBHOOK_PATHS.messageStatus)
  @Answers(s.string(), { mediaType: 'text/xml', description: 'empty TwiML' })
  @TwilioWebhook()
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  @ApiOperation({ summary: "Twilio's message status callback (signed)" })
  async messageStatus(@Query('attempt', UuidPipe) attemptId: string, @Body() form: TwilioForm) {
    const status = messageStatusFromTwilio(required(form, 'MessageStatus'));
    if (!status) throw new ValidationFailedError([{ field: 'MessageStatus', reason: 'is not a message status' }]);
    await this.reports.apply({
      attemptId,
      providerRef: required(form, 'MessageSid'),
      status,
      errorCode: form.ErrorCode || undefined,
    });
    return EMPTY_TWIML;
  }

  @Post(TWILIO_WEBHOOK_PATHS.callStatus)
  @Answers(s.string(), { mediaType: 'text/xml', description: 'empty TwiML' })
  @TwilioWebhook()
  @HttpCode(200)
  @Header('Content-Type', 'text/xml')
  @ApiOperation({ summary: "Twilio's call status callback (signed)" })
  async callStatus(@Query('attempt', UuidPipe) attemptId: string, @Body() form: TwilioForm) {
    const status = callStatusFromTwilio(required(form, 'CallStatus'));
    if (!status) throw new ValidationFailedError([{ field: 'CallStatus', reason: 'is not a call status' }]);
    // Answered by a person: with machine detection Twilio says so; without it, an answered call counts.
    const connected = (status === 'in_progress' || status === 'completed') && !/^machine|^fax/.test(form.AnsweredBy ?? '');
    await this.reports.apply({
      attemptId,
      providerRef: required(form, 'CallSid'),
      status,
      errorCode: form.ErrorCode || undefined,
      connected,
    });
    return EMPTY_TWIML;
  }
}
