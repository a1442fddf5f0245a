import { Locale } from '../customers/customer.entity';
import { FRAUD_SMS_MAX_CHARACTERS, assertOwnUrl, listUnsubscribeHeaders, withMarketingSuffix } from './channel.rules';
import { measureSms } from './sms-segment.calculator';
import { CompiledVariant } from './template.compiler';
import { TemplateErrors } from './template.errors';
import { kindProblem } from './template-fields.catalogue';
import { RenderData } from './template.helpers';
import { RenderRequest, RenderedMessage, VariantId } from './template.model';
import { buildVoiceTwiml, spokenParagraphs } from './voice-twiml.builder';

export interface CentreDetails {
  name: string;
  hotline: string;
}

export interface LibraryOptions {
  /** The centre as each locale names it: `centre.*` in templates and the marketing SMS signature. */
  centre: Record<Locale, CentreDetails>;
  publicBaseUrl: string;
  /** Offered beside the one-click URL in List-Unsubscribe. */
  unsubscribeMailto?: string;
}

const variantKey = ({ key, locale, channel }: VariantId) => `${key}|${locale}|${channel}`;

/**
 * Every template version Herald knows, compiled, and the rendering of one for a customer. The
 * current version of each variant is what the files say now; older versions stay renderable so a
 * campaign that pinned one keeps saying exactly what it said at launch.
 */
export class TemplateLibrary {
  private readonly current = new Map<string, CompiledVariant>();
  private readonly versions = new Map<string, CompiledVariant>();

  constructor(
    variants: CompiledVariant[],
    private readonly options: LibraryOptions,
  ) {
    for (const variant of variants) {
      this.current.set(variantKey(variant), variant);
      this.addVersion(variant);
    }
  }

  addVersion(variant: CompiledVariant): void {
    this.versions.set(`${variantKey(variant)}|${variant.version}`, variant);
  }

  /** The variant at `version`, or at its current version; undefined when Herald does not hold it. */
  variant(id: VariantId, version?: string): CompiledVariant | undefined {
    return version === undefined ? this.current.get(variantKey(id)) : this.versions.get(`${variantKey(id)}|${version}`);
  }

  keys(): string[] {
    return [...new Set([...this.current.values()].map((variant) => variant.key))].sort();
  }

  /** The current variants of a template, by locale then channel. */
  variantsOf(key: string): CompiledVariant[] {
    return [...this.current.values()]
      .filter((variant) => variant.key === key)
      .sort((a, b) => a.locale.localeCompare(b.locale) || a.channel.localeCompare(b.channel));
  }

  render(request: RenderRequest): RenderedMessage {
    const variant = this.variant(request, request.version);
    if (!variant) {
      if (!this.keys().includes(request.key)) throw TemplateErrors.notFound(request.key);
      if (!this.current.has(variantKey(request)))
        throw TemplateErrors.variantNotFound(request.key, `${request.locale} ${request.channel}`);
      throw TemplateErrors.versionNotFound(request, request.version!);
    }
    return this.renderVariant(variant, request);
  }

  private renderVariant(variant: CompiledVariant, request: RenderRequest): RenderedMessage {
    const { customer, locale } = request;
    const { header } = variant;
    if (!customer.timezone) throw TemplateErrors.missingValue('customer.timezone');
    for (const property of variant.requiredProfile) {
      if (customer[property as keyof typeof customer] == null) throw TemplateErrors.missingValue(`customer.${property}`);
    }
    const variables = request.variables ?? {};
    const context: Record<string, unknown> = { ...variables, customer, centre: variables.centre ?? this.options.centre[locale] };
    const marketingEmail = variant.channel === 'email' && header.marketing;
    if (marketingEmail) {
      if (!request.unsubscribeUrl)
        throw TemplateErrors.urlRequired('unsubscribeUrl', 'marketing e-mail carries a one-click unsubscribe');
      assertOwnUrl('unsubscribeUrl', request.unsubscribeUrl, this.options.publicBaseUrl);
      context.unsubscribe = { url: request.unsubscribeUrl };
    }
    for (const check of variant.variables) {
      let value: unknown = context;
      for (const part of check.parts) value = (value as Record<string, unknown> | undefined)?.[part];
      if (value == null) {
        if (check.required) throw TemplateErrors.missingVariable(check.path);
        continue;
      }
      const problem = kindProblem(check.spec.kind, value, check.spec.items);
      if (problem) throw TemplateErrors.invalidVariable(check.path, problem);
    }

    const data: RenderData = { locale, zone: customer.timezone };
    const rendered: RenderedMessage = {
      key: variant.key,
      locale: variant.locale,
      channel: variant.channel,
      version: variant.version,
      purpose: header.purpose,
      marketing: header.marketing,
    };
    const compiled = variant.compiled;
    switch (compiled.channel) {
      case 'sms': {
        let body = compiled.body(context, data).trim();
        if (header.marketing) body = withMarketingSuffix(body, locale, this.options.centre[locale].name);
        const measure = measureSms(body);
        if (header.purpose === 'fraud' && measure.characters > FRAUD_SMS_MAX_CHARACTERS) {
          throw TemplateErrors.smsTooLong(measure.characters, FRAUD_SMS_MAX_CHARACTERS);
        }
        rendered.sms = { body, ...measure };
        break;
      }
      case 'email':
        rendered.email = {
          // A subject is one line whatever the data held: no header folding, no injection.
          subject: compiled.subject(context, data).replace(/\s+/g, ' ').trim(),
          html: compiled.html(context, data).trim(),
          text: compiled.text(context, data).trim(),
          headers: marketingEmail ? listUnsubscribeHeaders(request.unsubscribeUrl!, this.options.unsubscribeMailto) : {},
        };
        break;
      case 'voice': {
        const say = spokenParagraphs(compiled.say(context, data));
        if (!header.gatherDigits) {
          rendered.voice = { twiml: buildVoiceTwiml(locale, say) };
          break;
        }
        if (!request.gatherActionUrl) throw TemplateErrors.urlRequired('gatherActionUrl', 'this call gathers digits');
        assertOwnUrl('gatherActionUrl', request.gatherActionUrl, this.options.publicBaseUrl);
        const noInput = spokenParagraphs(compiled.noInput!(context, data));
        rendered.voice = {
          twiml: buildVoiceTwiml(locale, say, {
            numDigits: header.gatherDigits,
            timeout: header.gatherTimeout!,
            actionUrl: request.gatherActionUrl,
            noInput,
          }),
        };
        break;
      }
      case 'agent':
        rendered.agent = {
          greeting: compiled.greeting(context, data).trim(),
          verification: compiled.verification.map((step) => step(context, data).trim()),
          message: compiled.message(context, data).trim(),
          objections: compiled.objections.map(({ objection, answer }) => ({
            objection: objection(context, data).trim(),
            answer: answer(context, data).trim(),
          })),
          dispositions: compiled.dispositions.map(({ code, label }) => ({ code, label: label(context, data).trim() })),
        };
        break;
    }
    return rendered;
  }
}
