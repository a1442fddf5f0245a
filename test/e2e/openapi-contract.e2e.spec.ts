import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import { startTestApp, TestApp } from '../support/test-app';

type Media = { schema?: object; example?: unknown; examples?: Record<string, { value: unknown }> };
type Operation = {
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: { content?: Record<string, Media> };
  responses: Record<string, { content?: Record<string, Media> }>;
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const ANY_ID = '00000000-0000-4000-8000-000000000000';

/**
 * The OpenAPI document as an integrator reads it: every error an operation declares has the shared
 * error schema, every operation that takes input declares its 400, and what Herald really answers
 * validates against what is declared (ajv, against the document's own schemas).
 */
describe('the OpenAPI document is the contract', () => {
  let t: TestApp;
  let doc: { paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>; components: { schemas: object } };
  let admin: string;
  // The two formats the document uses, checked (not just named): an id is a UUID, an instant is ISO 8601 in UTC or with its offset.
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    formats: {
      uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
      'date-time': /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
    },
  });
  const validators = new Map<object, ValidateFunction>();

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.keyFor('admin');
    doc = (await t.http.get('/docs-json').expect(200)).body;
    // CI generates a typed client from this very document and compiles it (.ci/openapi-client.sh).
    const dist = join(__dirname, '..', '..', 'dist');
    mkdirSync(dist, { recursive: true });
    writeFileSync(join(dist, 'openapi.json'), JSON.stringify(doc, null, 2));
    ajv.addSchema({ $id: 'herald', components: doc.components }, 'herald');
  });
  afterAll(() => t.close());

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item[m]).map((method) => ({ method, path, operation: item[method]! })),
    );
  /** The declared schema of a status, as ajv checks it ($refs into the document's components). */
  const declared = (operation: Operation, status: number) => {
    const schema = operation.responses[String(status)]?.content?.['application/json']?.schema;
    if (!schema) return undefined;
    const resolved = JSON.parse(JSON.stringify(schema).replace(/"#\/components/g, '"herald#/components'));
    let validate = validators.get(schema);
    if (!validate) validators.set(schema, (validate = ajv.compile(resolved)));
    return validate;
  };
  const urlOf = (path: string) => path.replace(/\{[^}]+\}/g, ANY_ID);
  const successes = (operation: Operation) => Object.entries(operation.responses).filter(([status]) => /^2\d\d$/.test(status));

  it('declares for every operation its success answer, with a schema (204: no body)', () => {
    const missing: string[] = [];
    for (const { method, path, operation } of operations()) {
      const answers = successes(operation);
      const described = answers.every(
        ([status, response]) =>
          status === '204' || Object.values(response.content ?? {}).some((media) => media.schema !== undefined),
      );
      if (answers.length === 0 || !described) missing.push(`${method} ${path}`);
    }
    expect(missing).toEqual([]);
  });

  /**
   * The examples are real: each one the document carries is sent, as an integrator would copy it,
   * to a test instance holding the customers they name (C-1001, C-1002), and what comes back must
   * be a success its declared schema accepts. Then every list (a GET without path parameters) is
   * read and checked the same way, over the data the examples made.
   */
  it('answers every example request with a success its declared schema accepts, and every list too', async () => {
    for (const ref of ['C-1001', 'C-1002']) {
      await t.http
        .post('/customers')
        .set('Authorization', `Bearer ${admin}`)
        .send({
          externalRef: ref,
          fullName: `Example ${ref}`,
          phone: `+861380013${ref.slice(-4)}`,
          email: `${ref}@example.cn`,
          country: 'CN',
          timezone: 'Asia/Shanghai',
          locale: 'zh-CN',
        })
        .expect(201);
    }
    const wrong: string[] = [];
    const check = (what: string, operation: Operation, response: { status: number; body: unknown; text?: string }) => {
      const json = operation.responses[String(response.status)]?.content?.['application/json'];
      if (!/^2\d\d$/.test(String(response.status)))
        return wrong.push(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
      if (response.status === 204) return;
      if (!json) {
        const other = Object.values(operation.responses[String(response.status)]?.content ?? {}).length;
        if (!other) wrong.push(`${what}: ${response.status} is not declared`);
        return;
      }
      const validate = declared(operation, response.status)!;
      if (!validate(response.body)) wrong.push(`${what}: ${JSON.stringify(validate.errors)}`);
    };
    let examples = 0;
    for (const { method, path, operation } of operations()) {
      for (const [mediaType, media] of Object.entries(operation.requestBody?.content ?? {})) {
        const values = [
          ...(media.example !== undefined ? [media.example] : []),
          ...((media.schema as { example?: unknown } | undefined)?.example !== undefined
            ? [(media.schema as { example: unknown }).example]
            : []),
          ...Object.values(media.examples ?? {}).map((example) => example.value),
        ];
        for (const value of values) {
          examples++;
          const response = await t.http[method](urlOf(path))
            .set('Authorization', `Bearer ${admin}`)
            .set('Content-Type', mediaType)
            .send(typeof value === 'string' ? value : JSON.stringify(value));
          check(`${method} ${path} example ${JSON.stringify(value).slice(0, 60)}`, operation, response);
        }
        break; // one media type is enough: the others carry the same example
      }
    }
    expect(examples).toBeGreaterThanOrEqual(4);
    const lists = operations().filter(
      ({ method, path }) => method === 'get' && !path.includes('{') && !path.startsWith('/health'),
    );
    expect(lists.length).toBeGreaterThan(20);
    for (const { path, operation } of lists) {
      check(`get ${path}`, operation, await t.http.get(path).set('Authorization', `Bearer ${admin}`));
    }
    expect(wrong).toEqual([]);
  });

  it('gives every declared error the shared schema, and every operation taking input its 400', () => {
    const missing: string[] = [];
    for (const { method, path, operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) >= 400 && !response.content?.['application/json']?.schema) missing.push(`${method} ${path} ${status}`);
      }
      const takesInput = Boolean(operation.requestBody) || (operation.parameters ?? []).length > 0;
      if (takesInput && !operation.responses['400']) missing.push(`${method} ${path} 400`);
    }
    expect(missing).toEqual([]);
    expect(operations().length).toBeGreaterThan(80);
  });

  it('answers every operation that declares a 401, without a key, with a body its schema accepts', async () => {
    const wrong: string[] = [];
    for (const { method, path, operation } of operations().filter((o) => o.operation.responses['401'])) {
      const response = await t.http[method](urlOf(path));
      const validate = declared(operation, 401)!;
      if (response.status !== 401 || !validate(response.body)) {
        wrong.push(`${method} ${path}: ${response.status} ${JSON.stringify(validate.errors)}`);
      }
    }
    expect(wrong).toEqual([]);
    // The schema bites: a body without its error, or with a detail missing its reason, is refused.
    const validate = declared(doc.paths['/payments'].post!, 401)!;
    expect(validate({ correlationId: 'x' })).toBe(false);
    expect(validate({ error: { code: 'X', message: 'x', details: [{ field: 'f' }] }, correlationId: 'x' })).toBe(false);
    expect(validate({ error: { code: 'X', message: 'x', details: [{ field: 'f', reason: 'r' }] }, correlationId: 'x' })).toBe(
      true,
    );
  });

  it('answers a field no operation takes with a 400 its schema accepts, naming the field', async () => {
    const wrong: string[] = [];
    const json = operations().filter(({ operation }) => operation.requestBody?.content?.['application/json']);
    expect(json.length).toBeGreaterThan(20);
    for (const { method, path, operation } of json) {
      const response = await t.http[method](urlOf(path)).set('Authorization', `Bearer ${admin}`).send({ notAField: true });
      const validate = declared(operation, 400)!;
      const named = JSON.stringify(response.body).includes('notAField');
      if (response.status !== 400 || !validate(response.body) || !named) {
        wrong.push(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
