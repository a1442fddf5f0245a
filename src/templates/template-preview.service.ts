import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotFoundError, ValidationFailedError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { Customer, Locale } from '../customers/customer.entity';
import { maskEmail, maskName, maskPhone } from '../common/personal-data.mask';
import { PreviewTemplateDto } from './dto/preview-template.dto';
import { fieldSpec, kindProblem } from './template-fields.catalogue';
import { CompiledVariant } from './template.compiler';
import { RenderedMessage, TemplateCustomer, MessageVariables } from './template.model';
import { sampleCustomer, sampleVariables } from './template-samples';
import { TemplatesService } from './templates.service';

export interface TemplatePreview extends RenderedMessage {
  /** Previewing a real customer: name, phone and e-mail are masked in the text; the SMS counts are the real ones. */
  masked: boolean;
  /** Message variables the request did not give, filled with sample values. */
  sampled: string[];
  /** Callback URLs the request did not give, filled with placeholders. */
  placeholders: string[];
}

/** Exactly what a template would send, for a real customer (masked) or for sample data. */
@Injectable()
export class TemplatePreviewService {
  constructor(
    private readonly templates: TemplatesService,
    private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async preview(key: string, dto: PreviewTemplateDto): Promise<TemplatePreview> {
    if (dto.customerId && dto.sample) {
      throw new ValidationFailedError([{ field: 'sample', reason: 'give either customerId or sample, not both' }]);
    }
    const id = { key, locale: dto.locale, channel: dto.channel };
    const variant = await this.templates.variant(id, dto.version);
    const customer = dto.customerId ? await this.customer(dto.customerId) : this.sample(dto);

    const { variables, sampled } = withSamples(variant, dto.locale, dto.variables ?? {});
    const base = this.config.publicBaseUrl.replace(/\/$/, '');
    const placeholders: string[] = [];
    const placeholder = (name: string, url: string) => {
      placeholders.push(name);
      return url;
    };
    const request = {
      ...id,
      version: dto.version,
      customer,
      variables,
      unsubscribeUrl:
        dto.unsubscribeUrl ??
        (variant.header.marketing && dto.channel === 'email'
          ? placeholder('unsubscribeUrl', `${base}/preview/unsubscribe?token=preview`)
          : undefined),
      gatherActionUrl:
        dto.gatherActionUrl ??
        (variant.header.gatherDigits ? placeholder('gatherActionUrl', `${base}/preview/gather`) : undefined),
    };

    const rendered = await this.templates.render(request);
    if (!dto.customerId) return { ...rendered, masked: false, sampled, placeholders };
    const masked = await this.templates.render({ ...request, customer: maskCustomer(customer) });
    // Masking changes the text, not what the customer would get: segments and length stay the real ones.
    return {
      ...masked,
      ...(rendered.sms && { sms: { ...rendered.sms, body: masked.sms!.body } }),
      masked: true,
      sampled,
      placeholders,
    };
  }

  private async customer(id: string): Promise<Customer> {
    const customer = await this.db.getRepository(Customer).findOneBy({ id });
    if (!customer) throw new NotFoundError('customer', id);
    return customer;
  }

  private sample(dto: PreviewTemplateDto): TemplateCustomer {
    const overrides = dto.sample ?? {};
    const problems = Object.entries(overrides).flatMap(([name, value]) => {
      const spec = fieldSpec(`customer.${name}`);
      if (!spec) return [{ field: `sample.${name}`, reason: 'is not a customer profile field templates can use' }];
      if (value === null) return spec.nullable ? [] : [{ field: `sample.${name}`, reason: 'cannot be empty' }];
      const problem = kindProblem(spec.kind, value);
      return problem ? [{ field: `sample.${name}`, reason: problem }] : [];
    });
    if (problems.length) throw new ValidationFailedError(problems);
    return { ...sampleCustomer(dto.locale), ...overrides };
  }
}

/** The caller's variables over the locale's samples, and which of the template's variables came from the samples. */
function withSamples(
  variant: CompiledVariant,
  locale: Locale,
  given: MessageVariables,
): { variables: MessageVariables; sampled: string[] } {
  const sampled = variant.variables
    .filter(({ spec, parts: [namespace, name] }) => {
      const supplied = name === undefined ? given[namespace] : (given[namespace] as Record<string, unknown> | undefined)?.[name];
      return spec.source === 'message' && supplied === undefined;
    })
    .map(({ path }) => path);
  const variables = sampleVariables(locale);
  for (const [namespace, value] of Object.entries(given)) {
    const sample = variables[namespace];
    variables[namespace] = isPlainObject(value) && isPlainObject(sample) ? { ...sample, ...value } : value;
  }
  return { variables, sampled };
}

function maskCustomer(customer: TemplateCustomer): TemplateCustomer {
  return {
    ...customer,
    fullName: customer.fullName && maskName(customer.fullName),
    phone: customer.phone && maskPhone(customer.phone),
    email: customer.email && maskEmail(customer.email),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
