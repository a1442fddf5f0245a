import { ApiProperty, ApiPropertyOptional, OpenAPIObject } from '@nestjs/swagger';

class FieldProblemSchema {
  @ApiProperty({ example: 'plan.0.template', description: 'Dotted path to the field at fault (or a header: `Idempotency-Key`)' })
  field: string;

  @ApiProperty({ example: 'is not a template in the library' })
  reason: string;
}

class ErrorDetailSchema {
  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable, for programs' })
  code: string;

  @ApiProperty({ example: 'plan.0.template: is not a template in the library', description: 'For people' })
  message: string;

  @ApiPropertyOptional({ type: [FieldProblemSchema] })
  details?: FieldProblemSchema[];
}

/** Every error Herald answers (HttpExceptionFilter's ErrorBody), as the OpenAPI document declares it. */
export class ErrorBodySchema {
  @ApiProperty({ type: ErrorDetailSchema })
  error: ErrorDetailSchema;

  @ApiProperty({ example: '5b0c7c2e-1d1f-4a53-9d6e-2f3a4b5c6d7e', description: 'Also in X-Correlation-Id; the log has the rest' })
  correlationId: string;
}

const ERROR_BODY_REF = { $ref: '#/components/schemas/ErrorBodySchema' };

/**
 * Every error response of every operation with the shared error schema, and the 400 of every
 * operation that takes input (the validation answers it for all of them): a client generated from
 * the document reads every refusal the same way.
 */
export function withErrorSchema(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.get, item.post, item.put, item.patch, item.delete]) {
      if (!operation) continue;
      const takesInput = Boolean(operation.requestBody) || (operation.parameters ?? []).length > 0;
      if (takesInput && !operation.responses['400']) {
        operation.responses['400'] = { description: 'VALIDATION_FAILED and the like: the fields at fault are named' };
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        if (response && Number(status) >= 400 && !('$ref' in response)) {
          response.content = { 'application/json': { schema: ERROR_BODY_REF } };
        }
      }
    }
  }
  return document;
}
