import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { ComplianceModule } from '../compliance/compliance.module';
import { TemplatesModule } from '../templates/templates.module';
import { AttemptLogRepository } from './attempt-log.repository';
import { Courier } from './courier';
import { DispatchLedger } from './dispatch-ledger';
import { DispatchLoop } from './dispatch.loop';
import { FollowUps } from './follow-ups';
import { LocalWake } from './local-wake';
import { Dispatcher } from './dispatcher';
import { MessageComposer } from './message-composer';
import { OutboxRepository } from './outbox.repository';
import { ProfileOutcomes } from './profile-outcomes';
import { Reconciler } from './reconciler';
import { SendPacer } from './send-pacer';
import { TaskPreparer } from './task-preparer';
import { UrgentGate } from './urgent-gate';

/** The outbox worker: claim, re-check the policy, render, send, record, retry. */
@Module({
  imports: [ChannelsModule, ComplianceModule, TemplatesModule],
  providers: [
    OutboxRepository,
    AttemptLogRepository,
    ProfileOutcomes,
    SendPacer,
    Courier,
    MessageComposer,
    TaskPreparer,
    DispatchLedger,
    Dispatcher,
    DispatchLoop,
    FollowUps,
    Reconciler,
    UrgentGate,
    LocalWake,
  ],
  exports: [Dispatcher, OutboxRepository, AttemptLogRepository, ProfileOutcomes, Reconciler, UrgentGate],
})
export class DispatchModule {}
