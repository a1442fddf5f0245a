import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { MessageStatus } from '../sms.channel';
import { CallStatus } from '../voice.channel';

export const SANDBOX_CHANNELS = ['sms', 'call', 'email'] as const;
export type SandboxChannel = (typeof SANDBOX_CHANNELS)[number];
export type SandboxStatus = MessageStatus | CallStatus | 'received';

/** What Herald would have sent (or, for a simulated reply, received) had a real provider been configured. */
@Entity('sandbox_messages')
export class SandboxMessage {
  @ApiProperty({ format: 'uuid' })
  @PrimaryColumn('uuid')
  id: string;

  @ApiProperty({ enum: SANDBOX_CHANNELS })
  @Column({ type: 'text' })
  channel: SandboxChannel;

  @ApiProperty({ enum: ['outbound', 'inbound'] })
  @Column({ type: 'text' })
  direction: 'outbound' | 'inbound';

  @ApiProperty({ description: 'what a real provider would have called it: SM…, CA… or a Message-ID' })
  @Column({ type: 'text' })
  providerRef: string;

  @ApiPropertyOptional({ description: 'the contact attempt it was sent for; none for a reply' })
  @Column({ type: 'text', nullable: true })
  attemptId: string | null;

  @ApiProperty()
  @Column({ type: 'text' })
  toAddress: string;

  @ApiProperty()
  @Column({ type: 'text' })
  fromAddress: string;

  @ApiPropertyOptional()
  @Column({ type: 'text', nullable: true })
  subject: string | null;

  @ApiProperty({ description: 'the SMS text, the TwiML of a call, or the text part of an e-mail' })
  @Column({ type: 'text' })
  body: string;

  @ApiPropertyOptional()
  @Column({ type: 'text', nullable: true })
  html: string | null;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  @Column({ type: 'jsonb' })
  headers: Record<string, string>;

  @ApiProperty()
  @Column()
  machineDetection: boolean;

  @ApiProperty({ description: 'the last status the sandbox simulated, in contact-attempt vocabulary' })
  @Column({ type: 'text' })
  status: SandboxStatus;

  @ApiPropertyOptional({ description: 'the Twilio error code a simulated failure carried' })
  @Column({ type: 'text', nullable: true })
  errorCode: string | null;

  @ApiProperty()
  @Column({ type: 'timestamptz' })
  createdAt: Date;

  @ApiProperty()
  @Column({ type: 'timestamptz' })
  updatedAt: Date;
}
