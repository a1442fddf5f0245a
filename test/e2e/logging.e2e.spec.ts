import { Writable } from 'node:stream';
import { Logger } from 'nestjs-pino';
import { startTestApp, TestApp } from '../support/test-app';

describe('what Herald logs', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: 'info' }, { logDestination: sink });
  });
  afterAll(() => t.close());

  it('carries no phone number, e-mail address, name or card number in clear', async () => {
    const admin = await t.keyFor('admin');
    await t.http
      .get('/users')
      .query({ phone: '+8613812345678', email: 'li.wei@example.com', card: '4111111111111111' })
      .auth(admin, { type: 'bearer' })
      .expect(400);
    await t.http
      .post('/users')
      .auth(admin, { type: 'bearer' })
      .send({ username: 'li.wei', displayName: 'Li Wei 13812345678', role: 'agent' })
      .expect(201);
    const logger = t.app.get(Logger);
    logger.log({ customer: { fullName: '王伟', phone: '+8613812345678' } }, 'contacting customer');
    logger.error(new Error('SMTP refused li.wei@example.com'));
    logger.warn('retrying 13812345678 via +1 415 555 0123');

    await new Promise((r) => setTimeout(r, 50));
    const log = lines.join('\n');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const secret of ['13812345678', '4155550123', '415 555 0123', 'li.wei@example.com', '王伟', '4111111111111111']) {
      expect(log).not.toContain(secret);
    }
    expect(log).toContain('[phone]');
    expect(log).toContain('[email]');
  });

  it('writes one JSON line per request with its correlation id', async () => {
    lines.length = 0;
    await t.http.get('/users').set('X-Request-Id', 'trace-me-42').expect(401);
    await new Promise((r) => setTimeout(r, 50));
    const entries = lines.map((line) => JSON.parse(line));
    expect(entries).toContainEqual(
      expect.objectContaining({
        correlationId: 'trace-me-42',
        req: { method: 'GET', route: '/users' },
        res: { statusCode: 401 },
      }),
    );
  });

  it('logs the route template and the query scrubbed, never a search as typed', async () => {
    lines.length = 0;
    const ops = await t.keyFor('ops');
    await t.http
      .get('/customers')
      .query({ name: '杨俊杰', phone: '(415) 555-0100', limit: '5', cardStatus: 'active' })
      .set('X-Request-Id', 'search-1')
      .auth(ops, { type: 'bearer' })
      .expect(400); // (415) 555-0100 is no mainland number: a 400 naming phone, logged like any answer
    await t.http
      .get('/customers/0b7c2d1e-9f3a-4c55-8e21-3a4b5c6d7e8f/consent')
      .set('X-Request-Id', 'path-1')
      .auth(ops, { type: 'bearer' })
      .expect(404);
    await t.http.get('/no-such-page/杨俊杰').set('X-Request-Id', 'unmatched-1').expect(404);
    await new Promise((r) => setTimeout(r, 50));
    const log = lines.join('\n');
    // '(415)' with its brackets, in any encoding: a bare 415 turns up in the entries' epoch-millisecond times.
    for (const typed of ['杨俊杰', '%E6%9D%A8', '(415)', '%28415%29', '555-0100', '0b7c2d1e-9f3a'])
      expect(log).not.toContain(typed);
    const entries = lines.map((line) => JSON.parse(line));
    const byId = (id: string) => entries.find((e) => e.correlationId === id && e.req);
    expect(byId('search-1').req).toEqual({
      method: 'GET',
      route: '/customers',
      query: { name: '[redacted]', phone: '[redacted]', limit: '5', cardStatus: 'active' },
    });
    expect(byId('path-1').req).toEqual({ method: 'GET', route: '/customers/:id/consent' });
    expect(byId('unmatched-1').req).toEqual({ method: 'GET', route: 'unmatched' });
  });
});
