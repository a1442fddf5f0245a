import { ProviderRecord, SentQuery } from '../sms.channel';
import { CallStatus, OutboundCall, PlacedCall, VoiceChannel } from '../voice.channel';
import { SANDBOX_NUMBER, SandboxTwilioSimulator } from './sandbox-twilio.simulator';

export class SandboxVoiceChannel extends VoiceChannel {
  constructor(private readonly twilio: SandboxTwilioSimulator) {
    super();
  }

  async call({ attemptId, to, twiml, machineDetection = false }: OutboundCall): Promise<PlacedCall> {
    const providerRef = this.twilio.accept('call', { attemptId, to, from: SANDBOX_NUMBER, body: twiml, machineDetection });
    return { providerRef, status: 'pending' };
  }

  findPlaced({ attemptId }: SentQuery): Promise<ProviderRecord<CallStatus>[]> {
    return this.twilio.recordsOf(attemptId);
  }
}
