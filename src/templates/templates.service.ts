import { HttpStatus, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { Page, PageQuery } from '../common/pagination';
import { AppConfig } from '../config/app-config';
import { Locale } from '../customers/customer.entity';
import { loadTemplateDirectory } from './template-directory.loader';
import { FieldSpec, fieldSpec } from './template-fields.catalogue';
import { CompiledVariant, compileTemplate } from './template.compiler';
import { TemplateErrors, TemplateLibraryError } from './template.errors';
import { TemplateLibrary } from './template.library';
import { RenderRequest, RenderedMessage, TemplateChannel, TemplatePurpose, VariantId } from './template.model';
import { StoredVersion, TemplateVersionStore } from './template-version.store';
import { Audience, TemplateAudienceRepository } from './template-audience.repository';

export interface TemplateSummary {
  key: string;
  purpose: TemplatePurpose;
  marketing: boolean;
  description: string;
  variants: { locale: Locale; channel: TemplateChannel; version: string }[];
}

export interface TemplateDetail extends Omit<TemplateSummary, 'variants'> {
  variants: {
    locale: Locale;
    channel: TemplateChannel;
    version: string;
    description: string;
    fields: string[];
    optional: string[];
    gatherDigits?: number;
    source: string;
    /** Every version Herald has loaded, newest first; `current` is what the file says now. */
    versions: (Omit<StoredVersion, 'locale' | 'channel'> & { current: boolean })[];
  }[];
}

/** A message field a template variant declares (not a profile field, not one Herald fills in). */
export interface DeclaredMessageField {
  path: string;
  spec: FieldSpec;
  /** In `fields` (it cannot render without it) rather than `optional`. */
  required: boolean;
}

/** What a campaign step needs to know of its template: its purpose and its variants for the step's channel. */
export interface TemplateForChannel {
  purpose: TemplatePurpose;
  /** One per locale the template has for the channel; none when it has no variant for it. */
  variants: { locale: Locale; version: string; messageFields: DeclaredMessageField[] }[];
}

export interface AudienceFieldCounts {
  audience: number;
  /** Customers of the audience without a value, by field (`customer.dueDate`); only fields someone lacks. */
  missing: Record<string, number>;
}

/**
 * The template library as the rest of Herald uses it: loaded and validated at start-up (a bad
 * file stops Herald), every loaded version recorded, rendering by current or pinned version, and
 * the checks campaigns make before they launch.
 */
@Injectable()
export class TemplatesService implements OnModuleInit {
  private readonly logger = new Logger('Templates');
  private library: TemplateLibrary;

  constructor(
    private readonly config: AppConfig,
    private readonly store: TemplateVersionStore,
    private readonly audiences: TemplateAudienceRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    const variants = loadTemplateDirectory(this.config.templates.dir);
    this.library = new TemplateLibrary(variants, {
      centre: this.config.templates.centre,
      publicBaseUrl: this.config.publicBaseUrl,
      unsubscribeMailto: this.config.templates.unsubscribeMailto,
    });
    await this.store.record(variants);
    this.logger.log(`loaded ${variants.length} templates (${this.library.keys().length} keys) from ${this.config.templates.dir}`);
  }

  /** Renders a template for one customer: the current version, or the pinned `version` (files may have moved on). */
  async render(request: RenderRequest): Promise<RenderedMessage> {
    if (request.version !== undefined) await this.variant(request, request.version);
    return this.library.render(request);
  }

  /** The version a campaign launching now should pin for this variant. */
  pin(key: string, locale: Locale, channel: TemplateChannel): string {
    return this.currentVariant({ key, locale, channel }).version;
  }

  /** A variant at a version: from memory, or from the versions table (compiled once, then kept). */
  async variant(id: VariantId, version?: string): Promise<CompiledVariant> {
    if (version === undefined) return this.currentVariant(id);
    const loaded = this.library.variant(id, version);
    if (loaded) return loaded;
    this.currentVariant(id);
    const source = await this.store.source(id, version);
    if (source === undefined) throw TemplateErrors.versionNotFound(id, version);
    const origin = `template_versions ${id.key}/${id.locale}.${id.channel}.hbs@${version}`;
    const { variant, problems } = compileTemplate(source, id, origin);
    // A stored version that no longer validates names a field the profile has since lost.
    if (!variant) throw new TemplateLibraryError(problems.map((problem) => ({ file: origin, ...problem })));
    this.library.addVersion(variant);
    return variant;
  }

  list(query: PageQuery): Page<TemplateSummary> {
    const keys = this.library.keys();
    const items = keys.slice(query.offset, query.offset + query.limit).map((key) => this.summary(key));
    return { items, total: keys.length, limit: query.limit, offset: query.offset };
  }

  async describe(key: string): Promise<TemplateDetail> {
    const { variants, ...summary } = this.summary(key);
    const history = await this.store.history(key);
    return {
      ...summary,
      variants: variants.map(({ locale, channel, version }) => {
        const { header, source } = this.currentVariant({ key, locale, channel });
        return {
          locale,
          channel,
          version,
          description: header.description,
          fields: header.fields,
          optional: header.optional,
          ...(header.gatherDigits ? { gatherDigits: header.gatherDigits } : {}),
          source,
          versions: history
            .filter((stored) => stored.locale === locale && stored.channel === channel)
            .map((stored) => ({ version: stored.version, firstSeen: stored.firstSeen, current: stored.version === version })),
        };
      }),
    };
  }

  /**
   * A template as a campaign step sees it, or undefined when there is no such template: its
   * purpose and, per locale, the message fields its variant for `channel` declares. The current
   * versions, or with `pinned` (locale → version) exactly the versions a launched campaign renders.
   */
  async forChannel(
    key: string,
    channel: TemplateChannel,
    pinned?: Partial<Record<Locale, string>>,
  ): Promise<TemplateForChannel | undefined> {
    const current = this.library.variantsOf(key);
    if (!current.length) return undefined;
    const variants = pinned
      ? await Promise.all(
          Object.entries(pinned).map(([locale, version]) => this.variant({ key, locale: locale as Locale, channel }, version)),
        )
      : current.filter((variant) => variant.channel === channel);
    return {
      purpose: this.summary(key).purpose,
      variants: variants.map(({ locale, version, variables }) => ({
        locale,
        version,
        messageFields: variables
          .filter(({ spec }) => spec.source === 'message')
          .map(({ path, spec, required }) => ({ path, spec, required })),
      })),
    };
  }

  /**
   * The profile fields a template cannot render without (`dueDate`, `cardLast4` …), over all its
   * locales and, unless one is named, all its channels. Campaigns compare them with their audience.
   */
  requiredProfileFields(key: string, channel?: TemplateChannel): string[] {
    const variants = this.variantsOf(key).filter((variant) => !channel || variant.channel === channel);
    if (!variants.length) throw TemplateErrors.variantNotFound(key, channel!);
    return [...new Set(variants.flatMap((variant) => variant.requiredProfile))].sort();
  }

  /**
   * How many customers of an audience lack each field the template needs, in one statement:
   * `{ audience: 1200, missing: { 'customer.dueDate': 3 } }`. Fields every profile has are not counted.
   */
  async missingFieldCounts(key: string, audience: Audience, channel?: TemplateChannel): Promise<AudienceFieldCounts> {
    const nullable = this.requiredProfileFields(key, channel).filter((property) => fieldSpec(`customer.${property}`)?.nullable);
    const counts = await this.audiences.nullCounts(audience, nullable);
    const missing: Record<string, number> = {};
    nullable.forEach((property, i) => {
      if (counts.missing[i] > 0) missing[`customer.${property}`] = counts.missing[i];
    });
    return { audience: counts.audience, missing };
  }

  /** Refuses (422 TEMPLATE_FIELDS_MISSING_IN_AUDIENCE) an audience with customers the template cannot render for. */
  async assertAudienceFits(key: string, audience: Audience, channel?: TemplateChannel): Promise<AudienceFieldCounts> {
    const counts = await this.missingFieldCounts(key, audience, channel);
    const lacking = Object.entries(counts.missing);
    if (lacking.length) {
      throw new DomainError(
        'TEMPLATE_FIELDS_MISSING_IN_AUDIENCE',
        `template ${key} needs ${lacking.map(([field]) => field).join(', ')}, which some of the ${counts.audience} customers lack`,
        HttpStatus.UNPROCESSABLE_ENTITY,
        lacking.map(([field, count]) => ({ field, reason: `${count} of ${counts.audience} customers have no value` })),
      );
    }
    return counts;
  }

  private summary(key: string): TemplateSummary {
    const variants = this.variantsOf(key);
    const described = variants.find((variant) => variant.locale === 'en') ?? variants[0];
    return {
      key,
      purpose: described.header.purpose,
      marketing: described.header.marketing,
      description: described.header.description,
      variants: variants.map(({ locale, channel, version }) => ({ locale, channel, version })),
    };
  }

  private variantsOf(key: string): CompiledVariant[] {
    const variants = this.library.variantsOf(key);
    if (!variants.length) throw TemplateErrors.notFound(key);
    return variants;
  }

  private currentVariant(id: VariantId): CompiledVariant {
    const variant = this.library.variant(id);
    if (variant) return variant;
    this.variantsOf(id.key);
    throw TemplateErrors.variantNotFound(id.key, `${id.locale} ${id.channel}`);
  }
}
