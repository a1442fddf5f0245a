import fc from 'fast-check';
import { Test } from 'supertest';
import { Role } from '../../src/auth/role';
import { startTestApp, TestApp } from '../support/test-app';

/** The OpenAPI document's shapes, as much of them as the fuzzer reads. */
interface Schema {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
}
interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/** What hostile input looks like: the 500s of issue 14 and their cousins. */
const HOSTILE = [
  '\u0000',
  'a\u0000b',
  '99999999999999999999',
  '1e30',
  '-1',
  '-9223372036854775809',
  '1.5',
  'NaN',
  'Infinity',
  '',
  ' ',
  "' OR 1=1 --",
  '%_\\',
  '杨俊杰',
  '(415) 555-0100',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  'x'.repeat(5000),
  '2026-02-30T25:61:00Z',
  '00000000-0000-0000-0000-000000000000',
  '{}',
  '[]',
  'true',
];
const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const hostileNumber = fc.oneof(
  fc.constantFrom(1e30, -1, 2 ** 63, -(2 ** 63) - 1, Number.MAX_SAFE_INTEGER + 2, 0.5, 1e-30),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
/** Any JSON at all, where the schema says something else. */
const anyJson = fc.jsonValue({ maxDepth: 3 });

/** Strings in a URL must be well-formed UTF-16 (a lone surrogate cannot be percent-encoded). */
const wellFormed = (value: string) => value.replace(/[\uD800-\uDFFF]/g, '\uFFFD');

/**
 * Every operation of the OpenAPI document at /docs-json, its path and query parameters and its
 * JSON body generated from their schemas — valid values, hostile ones (NUL bytes, numbers past
 * bigint, huge strings, wrong types) and anything at all — sent as an admin (every role-gated
 * route) and as an agent: no answer is ever a 5xx.
 */
describe('no input is a server error', () => {
  let t: TestApp;
  let doc: Document;
  const keys = {} as Record<Extract<Role, 'admin' | 'agent'>, string>;

  beforeAll(async () => {
    t = await startTestApp();
    keys.admin = await t.keyFor('admin');
    keys.agent = await t.keyFor('agent');
    doc = (await t.http.get('/docs-json').expect(200)).body;
  });
  afterAll(() => t.close());

  function resolve(schema: Schema | undefined): Schema {
    if (!schema) return {};
    if (schema.$ref) return resolve(doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')]);
    if (schema.allOf)
      return schema.allOf.map(resolve).reduce((a, b) => ({ ...a, ...b, properties: { ...a.properties, ...b.properties } }), {});
    return schema;
  }

  /** A value for the schema: often a valid-looking one, often a hostile one. */
  function valueFor(raw: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
    const schema = resolve(raw);
    const variants = schema.oneOf ?? schema.anyOf;
    if (variants) return fc.oneof(...variants.map((s) => valueFor(s, depth + 1)), hostileString);
    if (schema.enum) return fc.oneof(fc.constantFrom(...schema.enum), hostileString);
    if (depth > 3) return fc.oneof(hostileString, hostileNumber);
    switch (schema.type) {
      case 'integer':
      case 'number':
        return fc.oneof(hostileNumber, hostileString);
      case 'boolean':
        return fc.oneof(fc.boolean(), hostileString);
      case 'array':
        return fc.oneof(fc.array(valueFor(schema.items, depth + 1), { maxLength: 3 }), hostileString);
      case 'object':
      case undefined:
        if (!schema.properties) return fc.oneof(anyJson, hostileString);
        return fc.oneof(objectFor(schema, depth), hostileString);
      default:
        return fc.oneof(
          hostileString,
          fc.uuid(),
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          hostileNumber,
        );
    }
  }

  function objectFor(schema: Schema, depth: number): fc.Arbitrary<Record<string, unknown>> {
    const required = new Set(schema.required ?? []);
    const entries = Object.entries(schema.properties ?? {});
    const record: Record<string, fc.Arbitrary<unknown>> = Object.fromEntries(
      entries.map(([name, s]) => [name, valueFor(s, depth + 1)]),
    );
    return fc.record(record, { requiredKeys: entries.map(([name]) => name).filter((name) => required.has(name)) });
  }

  const queryValue = (parameter: Parameter) =>
    fc.option(
      valueFor(parameter.schema).map((value) => wellFormed(typeof value === 'string' ? value : (JSON.stringify(value) ?? ''))),
      { nil: undefined },
    );
  const pathValue = fc
    .oneof(
      fc.uuid(),
      hostileString.filter((s) => s.length > 0),
    )
    .map(wellFormed);

  it('answers every operation with anything but a 5xx', async () => {
    const failures: string[] = [];
    let operations = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        operations++;
        const parameters = (operation.parameters ?? []).filter((p) => p.in !== 'header');
        const jsonBody = operation.requestBody?.content?.['application/json']?.schema;
        const textBody = operation.requestBody?.content && !jsonBody;
        const request = fc.record({
          path: fc.tuple(...parameters.filter((p) => p.in === 'path').map(() => pathValue)),
          query: fc.tuple(...parameters.filter((p) => p.in === 'query').map(queryValue)),
          body: jsonBody ? fc.oneof(valueFor(jsonBody), anyJson) : textBody ? hostileString : fc.constant(undefined),
          as: fc.constantFrom('admin' as const, 'agent' as const),
        });
        await fc
          .assert(
            fc.asyncProperty(request, async ({ path: pathValues, query: queryValues, body, as }) => {
              let i = 0;
              const url = path.replace(/\{\w+\}/g, () => encodeURIComponent(pathValues[i++]));
              const query = Object.fromEntries(
                parameters
                  .filter((p) => p.in === 'query')
                  .map((p, n) => [p.name, queryValues[n]])
                  .filter(([, value]) => value !== undefined),
              );
              const verb = (t.http as unknown as Record<string, (url: string) => Test>)[method].bind(t.http);
              const call = verb(url).query(query).set('Authorization', `Bearer ${keys[as]}`);
              const response = textBody
                ? await call.set('Content-Type', 'text/csv').send(String(body))
                : body === undefined
                  ? await call
                  : await call.set('Content-Type', 'application/json').send(JSON.stringify(body));
              if (response.status >= 500) {
                failures.push(
                  `${method.toUpperCase()} ${url}?${new URLSearchParams(query as Record<string, string>)} as ${as} → ${response.status}`,
                );
              }
              expect(response.status).toBeLessThan(500);
            }),
            { numRuns: 12, endOnFailure: true },
          )
          .catch((error: Error) => {
            // A 5xx is in `failures` already; anything else that went wrong is a failure too.
            if (!failures.some((f) => f.startsWith(`${method.toUpperCase()} `)))
              failures.push(`${method} ${path}: ${error.message.split('\n').slice(0, 6).join(' ')}`);
          });
      }
    }
    expect(operations).toBeGreaterThan(60);
    expect(failures).toEqual([]);
  });
});
