import fc from 'fast-check';
import { callStatusFromTwilio, messageStatusFromTwilio, twilioCallStatus, twilioMessageStatus } from './twilio-status.mapper';
import { MessageStatus } from './sms.channel';
import { CallStatus } from './voice.channel';

const MESSAGE_STATUSES: MessageStatus[] = ['pending', 'sent', 'delivered', 'undelivered', 'failed', 'canceled'];
const CALL_STATUSES: CallStatus[] = ['pending', 'ringing', 'in_progress', 'completed', 'busy', 'failed', 'no_answer', 'canceled'];

describe('Twilio message statuses', () => {
  it.each([
    ['accepted', 'pending'],
    ['scheduled', 'pending'],
    ['queued', 'pending'],
    ['sending', 'pending'],
    ['sent', 'sent'],
    ['delivered', 'delivered'],
    ['read', 'delivered'],
    ['undelivered', 'undelivered'],
    ['failed', 'failed'],
    ['canceled', 'canceled'],
  ])('%s → %s', (twilio, ours) => {
    expect(messageStatusFromTwilio(twilio)).toBe(ours);
  });

  it.each(['received', 'receiving', 'Delivered', '', 'constructor', 'toString'])(
    'does not read %j as an outbound status',
    (word) => {
      expect(messageStatusFromTwilio(word)).toBeUndefined();
    },
  );

  it('turns each of ours into a Twilio word that reads back the same', () => {
    fc.assert(
      fc.property(fc.constantFrom(...MESSAGE_STATUSES), (ours) => messageStatusFromTwilio(twilioMessageStatus(ours)) === ours),
    );
  });
});

describe('Twilio call statuses', () => {
  it.each([
    ['queued', 'pending'],
    ['initiated', 'pending'],
    ['ringing', 'ringing'],
    ['in-progress', 'in_progress'],
    ['completed', 'completed'],
    ['busy', 'busy'],
    ['failed', 'failed'],
    ['no-answer', 'no_answer'],
    ['canceled', 'canceled'],
  ])('%s → %s', (twilio, ours) => {
    expect(callStatusFromTwilio(twilio)).toBe(ours);
  });

  it.each(['answered', 'in_progress', 'no_answer', 'hasOwnProperty'])('does not read %j as a call status', (word) => {
    expect(callStatusFromTwilio(word)).toBeUndefined();
  });

  it('turns each of ours into a Twilio word that reads back the same', () => {
    fc.assert(fc.property(fc.constantFrom(...CALL_STATUSES), (ours) => callStatusFromTwilio(twilioCallStatus(ours)) === ours));
  });
});
