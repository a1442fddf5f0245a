import { Injectable } from '@nestjs/common';
import { version as holidayDataVersion } from 'chinese-days/package.json';
import { AppConfig } from '../config/app-config';
import { REASON_CODES } from './policy.types';
import { PACK_NAMES, PackName, RulePack, RulePackConfig } from './rule-pack';

export interface EffectivePolicy {
  defaultPack: PackName;
  countryPacks: Record<string, PackName>;
  packs: (RulePackConfig & { countries: string[] | 'every country not mapped to another pack'; holidayData?: string })[];
  reasonCodes: readonly string[];
}

/** The deployment's effective packs and which country gets which. */
@Injectable()
export class RulePacks {
  private readonly packs: Record<PackName, RulePack>;
  readonly countryPacks: Readonly<Record<string, PackName>>;
  readonly defaultPack: PackName;

  constructor(config: AppConfig) {
    const { policy } = config;
    this.packs = Object.fromEntries(PACK_NAMES.map((name) => [name, new RulePack(policy.packs[name])])) as Record<
      PackName,
      RulePack
    >;
    this.countryPacks = policy.countryPacks;
    this.defaultPack = policy.defaultPack;
  }

  /** The pack of a customer's country (ISO alpha-2). */
  forCountry(country: string): RulePack {
    return this.packs[this.countryPacks[country] ?? this.defaultPack];
  }

  all(): RulePack[] {
    return PACK_NAMES.map((name) => this.packs[name]);
  }

  /** The rules in force, as GET /policy shows them. */
  describe(): EffectivePolicy {
    return {
      defaultPack: this.defaultPack,
      countryPacks: { ...this.countryPacks },
      packs: this.all().map(({ config }) => ({
        ...config,
        countries:
          config.name === this.defaultPack
            ? 'every country not mapped to another pack'
            : Object.keys(this.countryPacks).filter((country) => this.countryPacks[country] === config.name),
        ...(config.marketingDays.calendar === 'cn-mainland' ? { holidayData: `chinese-days ${holidayDataVersion}` } : {}),
      })),
      reasonCodes: REASON_CODES,
    };
  }
}
