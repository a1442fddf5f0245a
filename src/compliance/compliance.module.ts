import { Module } from '@nestjs/common';
import { SegmentsModule } from '../segments/segments.module';
import { AudienceReachabilityService } from './audience-reachability.service';
import { ConsentController } from './consent.controller';
import { ConsentService } from './consent.service';
import { ConsentLedgerRepository } from './consent-ledger.repository';
import { DoNotContactRepository } from './do-not-contact.repository';
import { ContactHistoryRepository } from './contact-history.repository';
import { DoNotContactController } from './do-not-contact.controller';
import { DoNotContactService } from './do-not-contact.service';
import { EligibilityController } from './eligibility.controller';
import { EligibilityService } from './eligibility.service';
import { PolicyInputsLoader } from './policy-inputs.loader';
import { PolicyController } from './policy.controller';
import { ReachabilityService } from './reachability.service';
import { ReachabilityRepository } from './reachability.repository';
import { RulePacks } from './rule-packs';

/**
 * The contact policy and what feeds it: the rule packs, the consent ledger, the do-not-contact
 * list, the contact history; eligibility explanations and audience reachability.
 */
@Module({
  imports: [SegmentsModule],
  controllers: [PolicyController, ConsentController, EligibilityController, DoNotContactController],
  providers: [
    RulePacks,
    ConsentLedgerRepository,
    ConsentService,
    DoNotContactRepository,
    DoNotContactService,
    ContactHistoryRepository,
    PolicyInputsLoader,
    EligibilityService,
    ReachabilityRepository,
    ReachabilityService,
    AudienceReachabilityService,
  ],
  exports: [
    RulePacks,
    ConsentService,
    ContactHistoryRepository,
    EligibilityService,
    ReachabilityService,
    AudienceReachabilityService,
  ],
})
export class ComplianceModule {}
