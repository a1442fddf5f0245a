import { request as httpRequest } from 'node:http';
import { freePort } from '../../src/database/embedded-database';
import { ROLES } from '../../src/auth/role';
import { signedIn, SignedIn } from '../support/console-session';
import { store } from '../support/outbox.builders';
import { fillPath, routesOf } from '../support/routes';
import { startTestApp, TestApp } from '../support/test-app';

/** Hardening of issue 14: HSTS over HTTPS, the page headers on every HTML page, /metrics behind a role or apart. */
describe('hardening', () => {
  describe('served over HTTPS', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ PUBLIC_BASE_URL: 'https://herald.example.com' });
    });
    afterAll(() => t.close());

    it('sends Strict-Transport-Security on every response, the API, pages and errors alike', async () => {
      for (const path of ['/health', '/console/sign-in', '/customers', '/no-such-thing']) {
        const res = await t.http.get(path);
        expect([path, res.headers['strict-transport-security']]).toEqual([path, 'max-age=31536000; includeSubDomains']);
      }
    });
  });

  describe('served over plain HTTP', () => {
    let t: TestApp;
    let admin: string;
    const sessions: Partial<Record<string, SignedIn>> = {};
    beforeAll(async () => {
      t = await startTestApp({ PUBLIC_BASE_URL: 'http://herald.test' });
      admin = await t.keyFor('admin');
      for (const role of ROLES.filter((r) => r !== 'integration')) sessions[role] = await signedIn(t, role);
    });
    afterAll(() => t.close());

    it('sends no Strict-Transport-Security, which a browser would ignore anyway', async () => {
      expect((await t.http.get('/health')).headers['strict-transport-security']).toBeUndefined();
    });

    const framed = (headers: Record<string, string>) => ({
      csp:
        /frame-ancestors 'none'/.test(headers['content-security-policy'] ?? '') &&
        /script-src 'self'/.test(headers['content-security-policy'] ?? ''),
      frameOptions: headers['x-frame-options'],
      cache: headers['cache-control'],
      nosniff: headers['x-content-type-options'],
    });
    const HEADERS = { csp: true, frameOptions: 'DENY', cache: 'no-store', nosniff: 'nosniff' };

    it('puts the page headers on the unsubscribe pages and the API docs', async () => {
      const customer = await store.customer(t.db);
      const [{ id }] = await t.db.query(
        `INSERT INTO contact_attempts (customer_id, purpose, channel, provider, status) VALUES ($1, 'marketing', 'email', 'smtp', 'sent') RETURNING id`,
        [customer.id],
      );
      const confirm = await t.http.get(`/unsubscribe/${id}`).expect(200);
      expect(framed(confirm.headers)).toEqual(HEADERS);
      const done = await t.http.post(`/unsubscribe/${id}`).type('form').send({ 'List-Unsubscribe': 'One-Click' }).expect(200);
      expect(framed(done.headers)).toEqual(HEADERS);
      const docs = await t.http.get('/docs/').expect(200);
      expect(docs.headers['content-type']).toMatch(/text\/html/);
      expect(framed(docs.headers)).toEqual(HEADERS);
      // Swagger UI's own inline stylesheet is allowed there; inline script nowhere.
      expect(docs.headers['content-security-policy']).toContain("style-src 'self' 'unsafe-inline'");
      expect(docs.text).not.toMatch(/<script>(?!\s*<\/script>)/);
    });

    it('puts them on every HTML page any route answers with, whoever asks', async () => {
      const customer = await store.customer(t.db);
      const pages: string[] = [];
      for (const route of routesOf(t.app).filter((r) => r.method === 'GET')) {
        const path = fillPath(route, (_, param) => (param === 'name' ? 'console.css' : customer.id));
        const callers = route.console
          ? Object.values(sessions).map((s) => ({ Cookie: s!.cookie }))
          : [{ Authorization: `Bearer ${admin}` }, {}];
        for (const headers of callers) {
          const res = await t.http.get(path).set(headers);
          if (!/text\/html/.test(res.headers['content-type'] ?? '')) continue;
          pages.push(`${route.key} ${res.status}`);
          expect([route.key, res.status, framed(res.headers)]).toEqual([route.key, res.status, HEADERS]);
        }
      }
      expect(pages.length).toBeGreaterThan(20);
    });
  });

  describe('/metrics', () => {
    it('is for a key of role ops (or admin) on the main port', async () => {
      const t = await startTestApp();
      try {
        await t.http.get('/metrics').expect(401);
        await t.http
          .get('/metrics')
          .auth(await t.keyFor('agent'), { type: 'bearer' })
          .expect(403);
        await t.http
          .get('/metrics')
          .auth(await t.keyFor('campaign_manager'), { type: 'bearer' })
          .expect(403);
        const ops = await t.http
          .get('/metrics')
          .auth(await t.keyFor('ops'), { type: 'bearer' })
          .expect(200);
        expect(ops.text).toContain('herald_http_requests_total');
        await t.http
          .get('/metrics')
          .auth(await t.keyFor('admin'), { type: 'bearer' })
          .expect(200);
      } finally {
        await t.close();
      }
    });

    it('with METRICS_PORT, is served on a listener of its own without a key, and not on the main port', async () => {
      const port = await freePort();
      const t = await startTestApp({ METRICS_PORT: String(port) });
      const get = (path: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) =>
          httpRequest({ host: '127.0.0.1', port, path }, (res) => {
            let body = '';
            res.on('data', (chunk) => (body += chunk));
            res.on('end', () => resolve({ status: res.statusCode!, body }));
          })
            .on('error', reject)
            .end(),
        );
      try {
        await t.http
          .get('/metrics')
          .auth(await t.keyFor('ops'), { type: 'bearer' })
          .expect(404);
        const scraped = await get('/metrics');
        expect(scraped.status).toBe(200);
        expect(scraped.body).toContain('herald_process_cpu_seconds_total');
        expect((await get('/customers')).status).toBe(404);
      } finally {
        await t.close();
      }
      await expect(get('/metrics')).rejects.toThrow(/ECONNREFUSED/);
    });
  });
});
