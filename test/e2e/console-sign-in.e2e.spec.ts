import { eventually } from '../support/eventually';
import { cookies, hiddenCsrf } from '../support/console-session';
import { startTestApp, TestApp } from '../support/test-app';

const SESSION = '__Host-herald_session';

describe('console sign-in, sessions and CSRF', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function signIn(username: string, password: string) {
    const page = await t.http.get('/console/sign-in');
    const signInCookie = cookies(page).herald_sign_in;
    return t.http
      .post('/console/sign-in')
      .set('Cookie', `herald_sign_in=${signInCookie}`)
      .type('form')
      .send({ username, password, _csrf: hiddenCsrf(page.text), next: '' });
  }

  async function session(username: string, password: string) {
    const response = await signIn(username, password);
    expect(response.status).toBe(303);
    const cookie = `${SESSION}=${cookies(response)[SESSION]}`;
    const page = await t.http.get('/console').set('Cookie', cookie).redirects(1);
    return { cookie, csrf: hiddenCsrf(page.text), landing: page };
  }

  it('serves the sign-in page with security headers and a form token cookie', async () => {
    const response = await t.http.get('/console/sign-in').set('Accept-Language', 'zh-CN,zh;q=0.9');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.text).toContain('用户名');
    expect(cookies(response).herald_sign_in).toBe(hiddenCsrf(response.text));
  });

  it('answers a console address that names no page with a 404 page in the reader’s language, the API with JSON', async () => {
    const missing = await t.http.get('/console/campaigns/not/a/page').set('Accept-Language', 'zh-CN,zh;q=0.9');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^text\/html/);
    expect(missing.headers['content-security-policy']).toContain("script-src 'self'");
    expect(missing.text).toContain('页面不存在。');
    expect(missing.text).toContain('<a href="/console">');
    expect((await t.http.post('/console/nowhere').set('Accept-Language', 'en')).text).toContain('There is nothing here.');
    const api = await t.http.get('/no-such-endpoint');
    expect(api.status).toBe(404);
    expect(api.body.error.code).toBe('NOT_FOUND');
  });

  it('signs a person in with a session cookie that is HttpOnly, Secure and __Host- prefixed', async () => {
    const agent = await t.consoleUser('agent');
    const response = await signIn(agent.username, agent.password);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/console/agent');
    const line = ([] as string[]).concat(response.headers['set-cookie']).find((c) => c.startsWith(SESSION))!;
    expect(line).toMatch(/HttpOnly/);
    expect(line).toMatch(/Secure/);
    expect(line).toMatch(/SameSite=Lax/);
    const [{ count }] = await t.db.query(`SELECT count(*)::int AS count FROM console_sessions`);
    expect(count).toBeGreaterThan(0);
    const [stored] = await t.db.query(`SELECT encode(token_hash, 'hex') AS hash FROM console_sessions LIMIT 1`);
    expect(stored.hash).not.toContain(cookies(response)[SESSION]);
  });

  it('answers a wrong password and an unknown user alike, and audits both without what was typed', async () => {
    const ops = await t.consoleUser('ops');
    const wrong = await signIn(ops.username, 'not the password');
    // A password typed into the username field must not end up in the audit log.
    const unknown = await signIn('my-Secret-passw0rd', 'whatever it is');
    for (const response of [wrong, unknown]) {
      expect(response.status).toBe(401);
      expect(response.text).toContain('Wrong username or password');
      expect(cookies(response)[SESSION]).toBeUndefined();
    }
    // The audit is written once the response has gone.
    await eventually(async () => {
      const audits = await t.db.query(`SELECT target, status, code FROM audit_events WHERE action = 'console.signIn'`);
      expect(audits).toEqual(
        expect.arrayContaining([
          { target: ops.id, status: 401, code: 'SIGN_IN_FAILED' },
          { target: null, status: 401, code: 'SIGN_IN_FAILED' },
        ]),
      );
    });
    const [{ found }] = await t.db.query(
      `SELECT count(*)::int AS found FROM audit_events WHERE target ILIKE '%Secret%' OR target = $1`,
      [ops.username],
    );
    expect(found).toBe(0);
  });

  it('never signs in an integration, even one given a password: systems use keys', async () => {
    const core = await t.consoleUser('integration');
    expect((await signIn(core.username, core.password)).status).toBe(401);
  });

  it('refuses a sign-in form whose token does not match its cookie', async () => {
    const ops = await t.consoleUser('ops');
    const page = await t.http.get('/console/sign-in');
    const response = await t.http
      .post('/console/sign-in')
      .set('Cookie', `herald_sign_in=${cookies(page).herald_sign_in}`)
      .type('form')
      .send({ username: ops.username, password: ops.password, _csrf: 'forged' });
    expect(response.status).toBe(401);
  });

  it('sends a visitor without a session to sign in, then back to the page asked for', async () => {
    const response = await t.http.get('/console/agent');
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/console/sign-in?next=%2Fconsole%2Fagent');
  });

  it('refuses a form posted without its CSRF token, and accepts it with', async () => {
    const ops = await t.consoleUser('agent');
    const { cookie, csrf } = await session(ops.username, ops.password);
    const forged = await t.http.post('/console/locale').set('Cookie', cookie).type('form').send({ locale: 'zh-CN' });
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('This form has expired');
    const [unchanged] = await t.db.query(`SELECT locale FROM users WHERE id = $1`, [ops.id]);
    expect(unchanged.locale).toBe('en');

    const real = await t.http.post('/console/locale').set('Cookie', cookie).type('form').send({ locale: 'zh-CN', _csrf: csrf });
    expect(real.status).toBe(303);
    const page = await t.http.get('/console').set('Cookie', cookie).redirects(1);
    expect(page.text).toContain('退出');
  });

  it('names the field when a form is wrong', async () => {
    const ops = await t.consoleUser('agent');
    const { cookie, csrf } = await session(ops.username, ops.password);
    const response = await t.http.post('/console/locale').set('Cookie', cookie).type('form').send({ locale: 'fr', _csrf: csrf });
    expect(response.status).toBe(400);
    expect(response.text).toContain('data-field="locale"');
  });

  it('ends the session on sign-out, on a new password and when the user is disabled', async () => {
    const agent = await t.consoleUser('agent');
    const admin = await t.keyFor('admin');
    const first = await session(agent.username, agent.password);
    expect(
      (await t.http.post('/console/sign-out').set('Cookie', first.cookie).type('form').send({ _csrf: first.csrf })).status,
    ).toBe(303);
    expect((await t.http.get('/console/agent').set('Cookie', first.cookie)).status).toBe(303);

    const second = await session(agent.username, agent.password);
    await t.http
      .patch(`/users/${agent.id}`)
      .set('Authorization', `Bearer ${admin}`)
      .send({ password: 'a brand new passphrase' })
      .expect(200);
    expect((await t.http.get('/console/agent').set('Cookie', second.cookie)).headers.location).toMatch(/^\/console\/sign-in/);
    expect((await signIn(agent.username, 'a brand new passphrase')).status).toBe(303);

    const third = await session(agent.username, 'a brand new passphrase');
    await t.http.patch(`/users/${agent.id}`).set('Authorization', `Bearer ${admin}`).send({ disabled: true }).expect(200);
    expect((await t.http.get('/console/agent').set('Cookie', third.cookie)).status).toBe(303);
    expect((await signIn(agent.username, 'a brand new passphrase')).status).toBe(401);
  });

  it('never returns a password hash from the users API', async () => {
    const admin = await t.keyFor('admin');
    const created = await t.http
      .post('/users')
      .set('Authorization', `Bearer ${admin}`)
      .send({ username: 'with-password', displayName: 'P', role: 'ops', password: 'long enough secret' })
      .expect(201);
    expect(JSON.stringify(created.body)).not.toMatch(/scrypt|passwordHash/);
    const listed = await t.http.get('/users').set('Authorization', `Bearer ${admin}`).expect(200);
    expect(JSON.stringify(listed.body)).not.toMatch(/scrypt|passwordHash/);
    const short = await t.http
      .post('/users')
      .set('Authorization', `Bearer ${admin}`)
      .send({ username: 'short-pass', displayName: 'P', role: 'ops', password: 'short' });
    expect(short.status).toBe(400);
    expect(JSON.stringify(short.body)).toContain('password');
  });
});
