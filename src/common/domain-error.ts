import { HttpStatus } from '@nestjs/common';

export interface FieldProblem {
  /** Dotted path to the offending field, e.g. `rule.all.2.value`. */
  field: string;
  reason: string;
}

/**
 * An error the caller can act on: a stable `code` for programs, a sentence for people, and
 * where it applies the fields at fault. Features subclass it or throw it with their own codes.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: HttpStatus = HttpStatus.BAD_REQUEST,
    readonly details: FieldProblem[] = [],
  ) {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super(`${what.toUpperCase().replace(/\W+/g, '_')}_NOT_FOUND`, `${what} ${id} does not exist`, HttpStatus.NOT_FOUND);
  }
}

export class ValidationFailedError extends DomainError {
  constructor(details: FieldProblem[]) {
    super('VALIDATION_FAILED', details.map((d) => `${d.field}: ${d.reason}`).join('; '), HttpStatus.BAD_REQUEST, details);
  }
}
