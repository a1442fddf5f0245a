import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDefined } from 'class-validator';

const EXAMPLE = {
  all: [
    { field: 'daysPastDue', op: 'between', value: [1, 30] },
    { field: 'riskLevel', op: 'in', value: ['medium', 'high'] },
  ],
};

/**
 * A segment rule in a request body. The segment compiler validates it, so it reaches the
 * service exactly as the client sent it: class-transformer would otherwise silently drop keys
 * such as `__proto__` that the compiler must see to refuse.
 */
export const SegmentRuleProperty = ({ required = true } = {}) =>
  applyDecorators(
    (required ? ApiProperty : ApiPropertyOptional)({
      type: 'object',
      additionalProperties: true,
      example: EXAMPLE,
      description: '{all: [...]}, {any: [...]}, {not: rule} or {field, op, value}; see GET /segments/fields and docs/segments.md',
    }),
    Transform(({ obj }) => obj.rule, { toClassOnly: true }),
    IsDefined(),
  );
