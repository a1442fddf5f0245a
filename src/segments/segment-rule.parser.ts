import { HttpStatus } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DomainError } from '../common/domain-error';
import { FieldDefinition, FieldType, Operator, operatorsFor, OPERATORS, SEGMENT_FIELDS } from './segment-field.catalogue';

/** Bounds that keep a rule cheap to validate, to compile and for PostgreSQL to plan. */
export const SEGMENT_LIMITS = {
  /** Nesting of all / any / not; the root is level 1. */
  maxDepth: 10,
  /** Rule nodes in all: combinators and conditions. */
  maxNodes: 200,
  /** Items of one list value (in, notIn, hasAnyTag, hasAllTags). */
  maxListItems: 1000,
  /** List items summed over the whole rule. */
  maxValues: 5000,
  maxStringLength: 200,
  /** Keys of one attributes containment object. */
  maxJsonKeys: 20,
} as const;

export type Scalar = string | number | boolean;
export type JsonScalar = string | number | boolean | null;

/** Either a top-level key of `attributes` that must be present, or key/value pairs it must contain. */
export type AttributesMatch = { key: string } | { entries: [string, JsonScalar][] };

export type SegmentRule =
  | { kind: 'all'; rules: SegmentRule[] }
  | { kind: 'any'; rules: SegmentRule[] }
  | { kind: 'not'; rule: SegmentRule }
  | SegmentCondition;

/**
 * One leaf, validated. Timestamps are normalised to UTC ISO strings with milliseconds; `value`
 * is a scalar, a list (in, notIn, hasAnyTag, hasAllTags), a `[low, high]` pair (between), an
 * AttributesMatch (contains on attributes) or absent (exists).
 */
export interface SegmentCondition {
  kind: 'condition';
  field: FieldDefinition;
  op: Operator;
  value?: Scalar | Scalar[] | AttributesMatch;
}

const COMBINATORS = ['all', 'any', 'not'] as const;
const CONDITION_KEYS = new Set(['field', 'op', 'value']);
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const LIST_OPERATORS = new Set<Operator>(['in', 'notIn', 'hasAnyTag', 'hasAllTags']);
const KNOWN_OPERATORS: ReadonlySet<string> = new Set(OPERATORS);
const DATE = /^[1-9]\d{3}-\d{2}-\d{2}$/;
/** Half a surrogate pair: in `u` mode a whole pair is one code point, not a surrogate. */
const LONE_SURROGATE = /\p{Cs}/u;
const INSTANT = /^[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

class SegmentRuleError extends DomainError {
  constructor(code: string, path: string, reason: string) {
    super(code, `${path} ${reason}`, HttpStatus.BAD_REQUEST, [{ field: path, reason }]);
  }
}

const malformed = (path: string, reason: string) => new SegmentRuleError('SEGMENT_MALFORMED', path, reason);
const badValue = (path: string, reason: string) => new SegmentRuleError('SEGMENT_BAD_VALUE', path, reason);
const tooLarge = (path: string, reason: string) => new SegmentRuleError('SEGMENT_TOO_LARGE', path, reason);

/**
 * Validates an untrusted rule (parsed JSON) against the field whitelist and the limits, and
 * returns it typed. Throws a 400 DomainError naming the path of the first bad node, e.g.
 * `rule.all.2.value`: SEGMENT_MALFORMED, SEGMENT_UNKNOWN_FIELD, SEGMENT_BAD_OPERATOR,
 * SEGMENT_BAD_VALUE, SEGMENT_TOO_LARGE or SEGMENT_TOO_DEEP.
 */
export function parseSegmentRule(raw: unknown, path = 'rule'): SegmentRule {
  const budget = { nodes: 0, values: 0 };
  return parseNode(raw, path, 1, budget);
}

interface Budget {
  nodes: number;
  values: number;
}

function parseNode(raw: unknown, path: string, depth: number, budget: Budget): SegmentRule {
  if (depth > SEGMENT_LIMITS.maxDepth) {
    throw new SegmentRuleError('SEGMENT_TOO_DEEP', path, `nests deeper than ${SEGMENT_LIMITS.maxDepth} levels`);
  }
  if (++budget.nodes > SEGMENT_LIMITS.maxNodes)
    throw tooLarge(path, `makes the rule larger than ${SEGMENT_LIMITS.maxNodes} nodes`);
  if (!isPlainObject(raw))
    throw malformed(path, 'must be an object: {all: [...]}, {any: [...]}, {not: {...}} or {field, op, value}');

  const keys = Object.keys(raw);
  const combinator = COMBINATORS.find((name) => keys.includes(name));
  if (!combinator) return parseCondition(raw, keys, path, budget);
  const extra = keys.find((key) => key !== combinator);
  if (extra !== undefined) throw malformed(`${path}.${extra}`, `is not allowed beside "${combinator}"`);

  const inner = raw[combinator];
  if (combinator === 'not') return { kind: 'not', rule: parseNode(inner, `${path}.not`, depth + 1, budget) };
  if (!Array.isArray(inner)) throw malformed(`${path}.${combinator}`, 'must be a list of rules');
  if (inner.length > SEGMENT_LIMITS.maxNodes) {
    throw tooLarge(`${path}.${combinator}`, `has more than ${SEGMENT_LIMITS.maxNodes} rules`);
  }
  const rules = inner.map((child, i) => parseNode(child, `${path}.${combinator}.${i}`, depth + 1, budget));
  return { kind: combinator, rules };
}

function parseCondition(raw: Record<string, unknown>, keys: string[], path: string, budget: Budget): SegmentCondition {
  const unknown = keys.find((key) => !CONDITION_KEYS.has(key));
  if (unknown !== undefined) throw malformed(`${path}.${unknown}`, 'is not a rule key (all, any, not, field, op, value)');
  if (typeof raw.field !== 'string') throw malformed(`${path}.field`, 'must be a field name');
  if (typeof raw.op !== 'string') throw malformed(`${path}.op`, 'must be an operator name');

  const field = SEGMENT_FIELDS.get(raw.field);
  if (!field) {
    throw new SegmentRuleError('SEGMENT_UNKNOWN_FIELD', `${path}.field`, `"${clip(raw.field)}" is not a segment field`);
  }
  const allowed = operatorsFor(field);
  if (!KNOWN_OPERATORS.has(raw.op) || !allowed.includes(raw.op as Operator)) {
    const known = KNOWN_OPERATORS.has(raw.op) ? '' : 'is not an operator; ';
    throw new SegmentRuleError('SEGMENT_BAD_OPERATOR', `${path}.op`, `${known}${field.name} accepts ${allowed.join(', ')}`);
  }
  const op = raw.op as Operator;
  const valuePath = `${path}.value`;
  const hasValue = Object.prototype.hasOwnProperty.call(raw, 'value');

  if (op === 'exists') {
    if (hasValue) throw badValue(valuePath, 'exists takes no value');
    return { kind: 'condition', field, op };
  }
  if (!hasValue) throw badValue(valuePath, `is required for ${op}`);
  return { kind: 'condition', field, op, value: parseValue(field, op, raw.value, valuePath, budget) };
}

function parseValue(
  field: FieldDefinition,
  op: Operator,
  value: unknown,
  path: string,
  budget: Budget,
): SegmentCondition['value'] {
  if (field.type === 'json') return parseAttributesMatch(value, path);
  if (LIST_OPERATORS.has(op)) {
    const list = parseList(value, path, budget);
    return list.map((item, i) => parseScalar(field, item, `${path}.${i}`));
  }
  if (op === 'between') {
    if (!Array.isArray(value) || value.length !== 2) throw badValue(path, 'must be a [low, high] pair');
    const low = parseScalar(field, value[0], `${path}.0`);
    const high = parseScalar(field, value[1], `${path}.1`);
    if (low > high) throw badValue(path, 'low must not be above high');
    return [low, high];
  }
  return parseScalar(field, value, path);
}

function parseList(value: unknown, path: string, budget: Budget): unknown[] {
  if (!Array.isArray(value)) throw badValue(path, 'must be a list');
  if (value.length === 0) throw badValue(path, 'must not be empty');
  if (value.length > SEGMENT_LIMITS.maxListItems) throw tooLarge(path, `has more than ${SEGMENT_LIMITS.maxListItems} items`);
  budget.values += value.length;
  if (budget.values > SEGMENT_LIMITS.maxValues) {
    throw tooLarge(path, `brings the rule above ${SEGMENT_LIMITS.maxValues} list items in all`);
  }
  return value;
}

/** One value of the field's type, in the form both the SQL and the evaluator use. */
function parseScalar(field: FieldDefinition, value: unknown, path: string): Scalar {
  switch (field.type as Exclude<FieldType, 'json'>) {
    case 'string':
    case 'tags':
      return parseText(value, path);
    case 'enum': {
      const text = parseText(value, path);
      if (!field.values!.includes(text)) throw badValue(path, `must be one of ${field.values!.join(', ')}`);
      return text;
    }
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < field.min! || value > field.max!) {
        throw badValue(path, `must be a whole number from ${field.min} to ${field.max}`);
      }
      return value;
    case 'money':
      if (typeof value !== 'number' || !Number.isSafeInteger(value))
        throw badValue(path, 'must be a whole number of minor units');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw badValue(path, 'must be true or false');
      return value;
    case 'date':
      if (typeof value !== 'string' || !DATE.test(value) || !DateTime.fromISO(value, { zone: 'utc' }).isValid) {
        throw badValue(path, 'must be a date YYYY-MM-DD (years 1000–9999)');
      }
      return value;
    case 'timestamp': {
      const instant = typeof value === 'string' && INSTANT.test(value) ? DateTime.fromISO(value, { setZone: true }) : undefined;
      if (!instant?.isValid)
        throw badValue(path, 'must be an ISO 8601 instant with a UTC offset, e.g. 2025-03-01T08:00:00+08:00');
      return instant.toUTC().toISO()!;
    }
  }
}

function parseText(value: unknown, path: string): string {
  if (typeof value !== 'string') throw badValue(path, 'must be a string');
  if (value.length === 0) throw badValue(path, 'must not be empty');
  if (value.length > SEGMENT_LIMITS.maxStringLength)
    throw tooLarge(path, `is longer than ${SEGMENT_LIMITS.maxStringLength} characters`);
  // PostgreSQL text holds neither NUL nor half a surrogate pair; refuse them here, not in the database.
  if (value.includes('\u0000') || LONE_SURROGATE.test(value)) throw badValue(path, 'contains a character text cannot hold');
  return value;
}

function parseAttributesMatch(value: unknown, path: string): AttributesMatch {
  if (typeof value === 'string') return { key: parseText(value, path) };
  if (!isPlainObject(value)) throw badValue(path, 'must be an attribute name or an object of attribute values');
  const keys = Object.keys(value);
  if (keys.length === 0) throw badValue(path, 'must name at least one attribute');
  if (keys.length > SEGMENT_LIMITS.maxJsonKeys) throw tooLarge(path, `has more than ${SEGMENT_LIMITS.maxJsonKeys} attributes`);
  const entries = keys.map((key): [string, JsonScalar] => {
    const name = parseText(key, path);
    // Request validation deletes these keys from bodies, so a rule holding them could not mean what it says.
    if (RESERVED_KEYS.has(name)) throw badValue(`${path}.${key}`, 'is a reserved name');
    const item = value[key];
    const itemPath = `${path}.${key}`;
    if (item === null || typeof item === 'boolean') return [name, item];
    if (typeof item === 'number') {
      if (!Number.isFinite(item)) throw badValue(itemPath, 'must be a finite number');
      return [name, item];
    }
    if (typeof item === 'string') return [name, parseText(item, itemPath)];
    throw badValue(itemPath, 'must be a string, number, boolean or null');
  });
  return { entries };
}

/** Parsed JSON objects only: arrays, class instances and exotic prototypes are not rules. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const clip = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);
