import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath, OpenAPIObject } from '@nestjs/swagger';
import { ReferenceObject, SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { getMetadataArgsStorage } from 'typeorm';

/**
 * What an operation answers when it succeeds, declared once per route with a schema (the contract
 * test validates real answers against it with ajv; a client generated from the document reads
 * them). A shape is a Swagger DTO class, a TypeORM entity (its schema read from its columns, so it
 * cannot drift from what the table holds), or a named schema defined here for the services' views.
 */

type Schema = SchemaObject | ReferenceObject;

/** A schema with a name in `components.schemas`. */
export interface NamedSchema {
  readonly name: string;
  readonly schema: SchemaObject;
}

const named = new Map<string, SchemaObject>();

export function defineSchema(name: string, schema: SchemaObject): NamedSchema {
  const known = named.get(name);
  if (known && JSON.stringify(known) !== JSON.stringify(schema)) throw new Error(`two schemas named ${name}`);
  named.set(name, schema);
  return { name, schema };
}

// Building blocks of the views' schemas: what JSON carries (a Date is an ISO string, a bigint a string).
export const s = {
  string: (extra: SchemaObject = {}): SchemaObject => ({ type: 'string', ...extra }),
  uuid: (): SchemaObject => ({ type: 'string', format: 'uuid' }),
  instant: (): SchemaObject => ({ type: 'string', format: 'date-time' }),
  date: (): SchemaObject => ({ type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
  int: (): SchemaObject => ({ type: 'integer' }),
  number: (): SchemaObject => ({ type: 'number' }),
  boolean: (): SchemaObject => ({ type: 'boolean' }),
  oneOf: (values: readonly string[]): SchemaObject => ({ type: 'string', enum: [...values] }),
  /** Any JSON value: a rule, a template's variables, evidence. */
  any: (): SchemaObject => ({}),
  map: (values: Schema = {}): SchemaObject => ({ type: 'object', additionalProperties: values }),
  array: (items: Schema): SchemaObject => ({ type: 'array', items }),
  /** The schema or null (a schema of any value takes null already). */
  nullable: (schema: SchemaObject): SchemaObject => (schema.type ? { ...schema, nullable: true } : schema),
  /** A $ref or null: OpenAPI 3.0 ignores `nullable` beside a $ref, so null is a second choice of its own. */
  refOrNull: (shape: Shape): SchemaObject => ({ anyOf: [s.ref(shape), NULL] }),
  /** Every field listed is there (null where nullable); `optional` ones may be absent. */
  object: (fields: Record<string, Schema>, optional: Record<string, Schema> = {}): SchemaObject => ({
    type: 'object',
    required: Object.keys(fields),
    properties: { ...fields, ...optional },
  }),
  ref: (shape: Shape): ReferenceObject => ({ $ref: refOf(shape) }),
};

type Shape = NamedSchema | Type<unknown>;

const NULL: SchemaObject = { type: 'object', nullable: true, enum: [null] };

function isNamed(shape: Shape): shape is NamedSchema {
  return typeof shape === 'object' && 'schema' in shape;
}

const entities = new Map<Type<unknown>, NamedSchema>();

/**
 * An entity's schema from its TypeORM columns: each column as JSON carries it (timestamps as
 * ISO strings, bigint and unconverted numeric as strings, jsonb as any value), null where the
 * column is nullable; columns never selected (a password's hash) left out. `overrides` narrow a
 * column the database holds as text to its vocabulary.
 */
export function entitySchema(entity: Type<unknown>, overrides: Record<string, SchemaObject> = {}): NamedSchema {
  const known = entities.get(entity);
  if (known) return known;
  const properties: Record<string, SchemaObject> = {};
  for (const column of getMetadataArgsStorage().filterColumns(entity)) {
    if (column.options.select === false) continue;
    const name = column.propertyName;
    let schema = overrides[name] ?? columnSchema(entity, name, column.mode, column.options);
    if (column.options.array && !overrides[name]) schema = s.array(schema);
    if (column.options.nullable) schema = s.nullable(schema);
    properties[name] = schema;
  }
  const result = defineSchema(entity.name, { type: 'object', required: Object.keys(properties), properties });
  entities.set(entity, result);
  return result;
}

function columnSchema(
  entity: Type<unknown>,
  property: string,
  mode: string,
  options: { type?: unknown; transformer?: unknown; enum?: unknown },
): SchemaObject {
  if (mode === 'createDate' || mode === 'updateDate') return s.instant();
  const type = typeof options.type === 'string' ? options.type : undefined;
  switch (type) {
    case 'uuid':
      return s.uuid();
    case 'text':
    case 'varchar':
    case 'character varying':
    case 'citext':
    case 'char':
      return Array.isArray(options.enum) ? s.oneOf(options.enum as string[]) : s.string();
    case 'timestamptz':
    case 'timestamp':
    case 'timestamp with time zone':
      return s.instant();
    case 'date':
      return s.date();
    case 'boolean':
      return s.boolean();
    case 'int':
    case 'integer':
    case 'smallint':
    case 'int2':
    case 'int4':
      return s.int();
    case 'bigint':
    case 'int8':
    case 'numeric':
    case 'decimal':
      // pg hands these over as strings (exact), unless the column converts them.
      return options.transformer ? s.number() : s.string();
    case 'real':
    case 'float':
    case 'double precision':
      return s.number();
    case 'jsonb':
    case 'json':
      return s.any();
    case 'bytea':
      return s.string();
    case undefined:
      break;
    default:
      throw new Error(`${entity.name}: no JSON schema for the column type ${type}`);
  }
  // No type given: TypeORM took the property's design type, and so do we.
  const designType: unknown = Reflect.getMetadata('design:type', entity.prototype, property);
  if (designType === String) return s.string();
  if (designType === Number) return s.number();
  if (designType === Boolean) return s.boolean();
  if (designType === Date) return s.instant();
  return s.any();
}

function refOf(shape: Shape): string {
  return isNamed(shape) ? `#/components/schemas/${shape.name}` : getSchemaPath(shape);
}

function extraModels(shape: Shape) {
  return isNamed(shape) ? [] : [ApiExtraModels(shape)];
}

/** Pages of a list: `{ items, total, limit, offset }`, and `next` where it pages by cursor. */
export function pageOf(shape: Shape, cursor = false): NamedSchema {
  const name = `${shape.name}${cursor ? 'CursorPage' : 'Page'}`;
  return defineSchema(
    name,
    s.object(
      { items: s.array(s.ref(shape)), total: s.int(), limit: s.int(), offset: s.int() },
      cursor
        ? { next: s.string({ description: 'Pass as `after` (or `before`) for the following page; absent on the last' }) }
        : {},
    ),
  );
}

export interface AnswerOptions {
  /** 200 unless said (a POST that creates answers 201). */
  status?: number;
  description?: string;
  /** A list of the shape (not paged). */
  array?: boolean;
  /** `null` may be the answer (nothing to take, say). */
  nullable?: boolean;
  /** Not JSON: TwiML (`text/xml`), a page (`text/html`). */
  mediaType?: string;
}

/** The success answer of an operation, with its schema. */
export function Answers(shape: Shape | SchemaObject, options: AnswerOptions = {}) {
  const isShape = typeof shape === 'function' || isNamed(shape as Shape);
  let schema: SchemaObject = isShape ? (s.ref(shape as Shape) as SchemaObject) : (shape as SchemaObject);
  if (options.array) schema = s.array(schema);
  if (options.nullable) schema = { anyOf: [schema, NULL] };
  return applyDecorators(
    ...(isShape ? extraModels(shape as Shape) : []),
    options.mediaType
      ? ApiResponse({
          status: options.status ?? 200,
          description: options.description ?? 'done',
          content: { [options.mediaType]: { schema } },
        })
      : ApiResponse({ status: options.status ?? 200, description: options.description ?? 'done', schema }),
  );
}

/** A page of the shape (see pageOf). */
export function AnswersPage(shape: Shape, options: { cursor?: boolean; description?: string } = {}) {
  return applyDecorators(
    ...extraModels(shape),
    ApiResponse({ status: 200, description: options.description ?? 'a page', schema: s.ref(pageOf(shape, options.cursor)) }),
  );
}

/** 204: done, nothing to say. */
export function AnswersNothing(description = 'done') {
  return ApiResponse({ status: 204, description });
}

/** The named schemas the routes declared, into the document's components. */
export function withSuccessSchemas(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.schemas ??= {};
  for (const [name, schema] of named) {
    if (document.components.schemas[name]) throw new Error(`the schema ${name} is defined twice`);
    document.components.schemas[name] = schema;
  }
  return document;
}
