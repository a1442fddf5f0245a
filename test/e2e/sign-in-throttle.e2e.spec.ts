import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from '../../src/app';
import { ManualClock } from '../../src/common/clock';
import { cookies, hiddenCsrf } from '../support/console-session';
import { eventually } from '../support/eventually';
import { startTestApp, TestApp } from '../support/test-app';

const NOW = new Date('2026-11-23T02:00:00Z');
const SECOND = 1000;
const SESSION = '__Host-herald_session';

/**
 * Sign-in that resists guessing (docs/security.md): 5 wrong passwords in a row lock the account
 * for 60 s, doubling with each further failure; 10 in a row from one address lock the address;
 * the right password is refused too until the lock ends or an admin lifts it. Clients are told
 * apart by X-Forwarded-For (TRUST_PROXY=loopback), so each test is its own address.
 */
describe('sign-in throttling', () => {
  const clock = new ManualClock(NOW);
  let t: TestApp;
  let admin: string;
  let serial = 0;

  beforeAll(async () => {
    t = await startTestApp(
      {
        TRUST_PROXY: 'loopback',
        SIGN_IN_MAX_FAILURES: '5',
        SIGN_IN_ADDRESS_MAX_FAILURES: '10',
        SIGN_IN_LOCK_SECONDS: '60',
        SIGN_IN_MAX_LOCK_SECONDS: '3600',
        SIGN_IN_ATTEMPTS_PER_MINUTE: '40',
        API_KEY_MAX_FAILURES: '5',
        API_KEY_BLOCK_SECONDS: '1',
      },
      { clock },
    );
    admin = await t.keyFor('admin');
  });
  afterAll(() => t.close());
  beforeEach(() => clock.set(NOW));

  const newAddress = () => `203.0.113.${++serial}`;

  async function signIn(username: string, password: string, address: string, http = t.http) {
    const page = await http.get('/console/sign-in').set('X-Forwarded-For', address);
    return http
      .post('/console/sign-in')
      .set('X-Forwarded-For', address)
      .set('Cookie', `herald_sign_in=${cookies(page).herald_sign_in}`)
      .type('form')
      .send({ username, password, _csrf: hiddenCsrf(page.text), next: '' });
  }
  const signedIn = (response: request.Response) => response.status === 303 && cookies(response)[SESSION] !== undefined;

  async function lockOut(person: { username: string }, address: string, wrong = 5) {
    for (let i = 0; i < wrong; i++) expect((await signIn(person.username, `wrong guess ${i}`, address)).status).toBe(401);
  }

  it('after 5 wrong passwords refuses further tries, the right password too, until the lock ends', async () => {
    const ops = await t.consoleUser('ops');
    const address = newAddress();
    await lockOut(ops, address);
    const refused = await signIn(ops.username, ops.password, address);
    expect(refused.status).toBe(401);
    expect(signedIn(refused)).toBe(false);
    // From another address too: it is the account that is locked.
    expect(signedIn(await signIn(ops.username, ops.password, newAddress()))).toBe(false);
    clock.advance(59 * SECOND);
    expect(signedIn(await signIn(ops.username, ops.password, address))).toBe(false);
    clock.advance(2 * SECOND);
    expect(signedIn(await signIn(ops.username, ops.password, address))).toBe(true);
    await eventually(async () => {
      const codes = await t.db.query(
        `SELECT code, count(*)::int AS n FROM audit_events WHERE action = 'console.signIn' AND target = $1 GROUP BY code ORDER BY code`,
        [ops.id],
      );
      expect(codes).toEqual([
        { code: 'SIGN_IN_ACCOUNT_LOCKED', n: 3 },
        { code: 'SIGN_IN_FAILED', n: 5 },
        { code: null, n: 1 }, // signed in
      ]);
    });
  });

  it('locks for twice as long at each further failure, and a success starts the count over', async () => {
    const agent = await t.consoleUser('agent');
    const address = newAddress();
    await lockOut(agent, address); // 60 s
    clock.advance(61 * SECOND);
    await lockOut(agent, address, 1); // the sixth in a row: 120 s
    clock.advance(100 * SECOND);
    expect(signedIn(await signIn(agent.username, agent.password, address))).toBe(false);
    clock.advance(21 * SECOND);
    expect(signedIn(await signIn(agent.username, agent.password, address))).toBe(true);
    // Counted afresh: four wrong ones lock nothing.
    await lockOut(agent, address, 4);
    expect(signedIn(await signIn(agent.username, agent.password, address))).toBe(true);
  });

  it('lets an admin see the lock and lift it: the right password then signs in at once', async () => {
    const manager = await t.consoleUser('campaign_manager');
    const address = newAddress();
    await lockOut(manager, address);
    const locks = await t.http.get('/sign-in-locks').set('Authorization', `Bearer ${admin}`).expect(200);
    expect(locks.body).toContainEqual(expect.objectContaining({ kind: 'account', subject: manager.id, failures: 5 }));
    expect(signedIn(await signIn(manager.username, manager.password, address))).toBe(false);
    const ops = await t.keyFor('ops');
    await t.http.post(`/users/${manager.id}/unlock`).set('Authorization', `Bearer ${ops}`).expect(403);
    await t.http.post(`/users/${manager.id}/unlock`).set('Authorization', `Bearer ${admin}`).expect(204);
    expect(signedIn(await signIn(manager.username, manager.password, address))).toBe(true);
  });

  it('locks an address after 10 failures in a row, whatever the names: 429 with Retry-After, until an admin lifts it', async () => {
    const agent = await t.consoleUser('agent');
    const address = newAddress();
    for (let i = 0; i < 10; i++) expect((await signIn(`nobody-${i}`, 'guess', address)).status).toBe(401);
    const refused = await signIn(agent.username, agent.password, address);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('60');
    expect(refused.text).toContain('Too many failed sign-ins from your network');
    // Another address is not affected.
    expect(signedIn(await signIn(agent.username, agent.password, newAddress()))).toBe(true);
    await t.http.delete(`/sign-in-locks/addresses/${address}`).set('Authorization', `Bearer ${admin}`).expect(204);
    expect(signedIn(await signIn(agent.username, agent.password, address))).toBe(true);
    await t.http.delete(`/sign-in-locks/addresses/${address}`).set('Authorization', `Bearer ${admin}`).expect(404);
  });

  it('holds the lock on every instance: the count is in PostgreSQL', async () => {
    const ops = await t.consoleUser('ops');
    const address = newAddress();
    await lockOut(ops, address);
    const url = (t.db.options as { url: string }).url;
    let second: INestApplication | undefined;
    try {
      second = await createApp(t.config, url, { clock });
      await second.init();
      const other = request(second.getHttpServer());
      expect(signedIn(await signIn(ops.username, ops.password, newAddress(), other))).toBe(false);
      clock.advance(61 * SECOND);
      expect(signedIn(await signIn(ops.username, ops.password, newAddress(), other))).toBe(true);
    } finally {
      await second?.close();
    }
  });

  it('caps sign-in posts per address per minute, whatever their outcome', async () => {
    const address = newAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 42; i++) {
      const response = await t.http
        .post('/console/sign-in')
        .set('X-Forwarded-For', address)
        .type('form')
        .send({ username: 'x', password: 'y', _csrf: 'no-cookie' });
      statuses.push(response.status);
    }
    expect(statuses.slice(0, 40).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(40)).toEqual([429, 429]);
  });

  describe('API keys tried at random', () => {
    it('a burst of 401s from one address blocks it, even its good keys, then lets it in again', async () => {
      const good = await t.keyFor('ops');
      const address = newAddress();
      const call = (key: string, from = address) =>
        t.http.get('/customers').set('X-Forwarded-For', from).set('Authorization', `Bearer ${key}`);
      for (let i = 0; i < 6; i++) expect((await call(`hk_guess_${i}`)).status).toBe(401);
      const blocked = await call(good).expect(429);
      expect(blocked.body.error.code).toBe('TOO_MANY_FAILED_KEYS');
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(blocked.body.correlationId).toBeTruthy();
      await call(good, newAddress()).expect(200);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await call(good).expect(200);
    });
  });
});
