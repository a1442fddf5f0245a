import { applyDecorators, CanActivate, ExecutionContext, HttpStatus, Injectable, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConsumes,
  ApiForbiddenResponse,
  ApiHeader,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { Request } from 'express';
import { Public } from '../auth/roles.decorator';
import { DomainError } from '../common/domain-error';
import { TwilioParams, TwilioWebhookSigner } from './twilio-webhook.signer';

/**
 * Lets a request through only if Twilio signed it. Guards run before pipes and handlers, so a
 * refused request is never processed. The signature covers every posted parameter, those we do
 * not know included: Twilio adds parameters without notice. Twilio posts form fields and nothing
 * else; any other body (JSON signed over the URL alone) is refused with 415 before the signature.
 */
@Injectable()
export class TwilioSignatureGuard implements CanActivate {
  constructor(private readonly signer: TwilioWebhookSigner) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    if (!request.is('application/x-www-form-urlencoded')) {
      throw new DomainError(
        'TWILIO_CONTENT_TYPE_UNSUPPORTED',
        'Twilio posts application/x-www-form-urlencoded; nothing else is taken here',
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      );
    }
    const signature = request.header('x-twilio-signature');
    if (!signature) {
      throw new DomainError('TWILIO_SIGNATURE_MISSING', 'the X-Twilio-Signature header is missing', HttpStatus.BAD_REQUEST);
    }
    const params: TwilioParams = request.body ?? {};
    if (!this.signer.isValid(signature, this.signer.publicUrl(request.originalUrl), params)) {
      throw new DomainError(
        'TWILIO_SIGNATURE_INVALID',
        'the X-Twilio-Signature does not match this request',
        HttpStatus.FORBIDDEN,
      );
    }
    return true;
  }
}

/**
 * For Twilio's callbacks: no API key (Twilio has none), a valid X-Twilio-Signature instead.
 * The module of the controller must import ChannelsModule.
 */
export const TwilioWebhook = () =>
  applyDecorators(
    Public(),
    UseGuards(TwilioSignatureGuard),
    ApiConsumes('application/x-www-form-urlencoded'),
    ApiHeader({ name: 'X-Twilio-Signature', required: true, description: "Twilio's signature of the URL and parameters" }),
    ApiBadRequestResponse({ description: 'no X-Twilio-Signature header' }),
    ApiUnsupportedMediaTypeResponse({ description: 'a body that is not application/x-www-form-urlencoded' }),
    ApiForbiddenResponse({ description: 'the signature does not match' }),
  );
