import { HttpStatus } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import { VariantId } from './template.model';

/** A problem in a template file, where it is: `scripts-templates/help/en.sms.hbs:7`. */
export interface LocatedProblem {
  file: string;
  line: number;
  message: string;
}

/** The library did not load: start-up stops, naming every file and line at fault. */
export class TemplateLibraryError extends DomainError {
  constructor(readonly problems: LocatedProblem[]) {
    super(
      'TEMPLATE_INVALID',
      `Invalid templates:\n${problems.map((p) => `  - ${p.file}:${p.line}: ${p.message}`).join('\n')}`,
      HttpStatus.INTERNAL_SERVER_ERROR,
      problems.map((p) => ({ field: `${p.file}:${p.line}`, reason: p.message })),
    );
  }
}

export const TemplateErrors = {
  notFound: (key: string) => new DomainError('TEMPLATE_NOT_FOUND', `template ${key} does not exist`, HttpStatus.NOT_FOUND),
  /** `variant` as people say it: `en sms`, or just `voice`. */
  variantNotFound: (key: string, variant: string) =>
    new DomainError('TEMPLATE_VARIANT_NOT_FOUND', `template ${key} has no ${variant} variant`, HttpStatus.NOT_FOUND),
  versionNotFound: ({ key, locale, channel }: VariantId, version: string) =>
    new DomainError(
      'TEMPLATE_VERSION_NOT_FOUND',
      `template ${key} (${locale} ${channel}) has never had version ${version}`,
      HttpStatus.NOT_FOUND,
    ),
  missingValue: (field: string) =>
    new DomainError('TEMPLATE_MISSING_VALUE', `the template needs ${field}, which this customer does not have`, 422, [
      { field, reason: 'has no value for this customer' },
    ]),
  missingVariable: (field: string) =>
    new DomainError('TEMPLATE_MISSING_VARIABLE', `the template needs the message variable ${field}`, 422, [
      { field: `variables.${field}`, reason: 'is required by the template' },
    ]),
  invalidVariable: (field: string, reason: string) =>
    new DomainError('TEMPLATE_VARIABLE_INVALID', `${field} ${reason}`, 422, [{ field: `variables.${field}`, reason }]),
  smsTooLong: (characters: number, limit: number) =>
    new DomainError(
      'TEMPLATE_SMS_TOO_LONG',
      `this fraud alert would be ${characters} characters; the rule pack allows ${limit}`,
      422,
      [{ field: 'sms.body', reason: `is ${characters} characters, over ${limit}` }],
    ),
  urlRequired: (field: string, why: string) =>
    new DomainError('TEMPLATE_URL_REQUIRED', `${field} is required: ${why}`, 422, [{ field, reason: `is required: ${why}` }]),
};
