import { MessageStatus } from './sms.channel';
import { CallStatus } from './voice.channel';

/**
 * Twilio's message statuses in ours. Everything still at Twilio (accepted by a Messaging Service,
 * scheduled, queued, being handed to the carrier) is `pending`; `sent` means a carrier has it.
 */
const MESSAGE_STATUSES: Record<string, MessageStatus> = {
  accepted: 'pending',
  scheduled: 'pending',
  queued: 'pending',
  sending: 'pending',
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  partially_delivered: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'canceled',
};

/** `initiated` appears only in status callbacks, never in the API's call resource. */
const CALL_STATUSES: Record<string, CallStatus> = {
  queued: 'pending',
  initiated: 'pending',
  ringing: 'ringing',
  'in-progress': 'in_progress',
  completed: 'completed',
  busy: 'busy',
  failed: 'failed',
  'no-answer': 'no_answer',
  canceled: 'canceled',
};

/** Undefined for what is not an outbound message's status (`receiving`, `received`, unknown words). */
export function messageStatusFromTwilio(status: string): MessageStatus | undefined {
  return Object.hasOwn(MESSAGE_STATUSES, status) ? MESSAGE_STATUSES[status] : undefined;
}

export function callStatusFromTwilio(status: string): CallStatus | undefined {
  return Object.hasOwn(CALL_STATUSES, status) ? CALL_STATUSES[status] : undefined;
}

/** The word Twilio uses for one of our statuses: what the sandbox puts in its callbacks. */
export function twilioMessageStatus(status: MessageStatus): string {
  return status === 'pending' ? 'queued' : status;
}

export function twilioCallStatus(status: CallStatus): string {
  return status === 'pending' ? 'queued' : status.replace('_', '-');
}
