import { PartialType } from '@nestjs/swagger';
import { CreateCampaignDto } from './create-campaign.dto';

/** A draft's fields to change; each one given replaces the campaign's (`variables` and `plan` as a whole). */
export class UpdateCampaignDto extends PartialType(CreateCampaignDto) {}
