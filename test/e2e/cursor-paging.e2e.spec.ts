import { eventually } from '../support/eventually';
import { store } from '../support/outbox.builders';
import { startTestApp, TestApp } from '../support/test-app';

/** The large lists page by an opaque cursor (`after` = the `next` of the previous page). */
describe('cursor paging', () => {
  let t: TestApp;
  let ops: string;

  beforeAll(async () => {
    t = await startTestApp();
    ops = await t.keyFor('ops');
  });
  afterAll(() => t.close());

  const get = (path: string, query: Record<string, string | number>) =>
    t.http.get(path).query(query).set('Authorization', `Bearer ${ops}`);

  /** Every page of a list from the first, running `meanwhile` after the first page. */
  async function walk<T>(
    path: string,
    query: Record<string, string | number>,
    key: (row: T) => string,
    meanwhile: () => Promise<void>,
  ) {
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const { body } = await get(path, { ...query, ...(after ? { after } : {}) }).expect(200);
      seen.push(...body.items.map(key));
      after = body.next;
      if (++pages === 1) await meanwhile();
    } while (after);
    return seen;
  }

  it('walks the customers by reference, none lost or repeated while customers are added', async () => {
    for (const ref of ['CUR-B', 'CUR-D', 'CUR-F', 'CUR-H']) await store.customer(t.db, { externalRef: ref, tags: ['cursor'] });
    const seen = await walk<{ externalRef: string }>(
      '/customers',
      { tag: 'cursor', limit: 2 },
      (c) => c.externalRef,
      // One before the cursor (never shows in this walk), one after it (shows in its place).
      async () => {
        await store.customer(t.db, { externalRef: 'CUR-A', tags: ['cursor'] });
        await store.customer(t.db, { externalRef: 'CUR-E', tags: ['cursor'] });
      },
    );
    expect(seen).toEqual(['CUR-B', 'CUR-D', 'CUR-E', 'CUR-F', 'CUR-H']);
    const last = await get('/customers', { tag: 'cursor', limit: 6 }).expect(200);
    expect(last.body).toMatchObject({ total: 6, limit: 6, offset: 0 });
    expect(last.body.next).toBeUndefined();
    // Offsets still work for the clients that use them.
    const byOffset = await get('/customers', { tag: 'cursor', limit: 2, offset: 2 }).expect(200);
    expect(byOffset.body.items.map((c: { externalRef: string }) => c.externalRef)).toEqual(['CUR-D', 'CUR-E']);
  });

  it('walks the audit log newest first by (instant, id), none lost or repeated while it grows', async () => {
    // Five audited refusals (403) of the same action at once: rows of (nearly) one instant.
    const agent = await t.keyFor('agent');
    const refuse = () => t.http.get('/audit').set('Authorization', `Bearer ${agent}`).expect(403);
    await Promise.all(Array.from({ length: 5 }, refuse));
    const query = { action: 'audit.search', code: 'FORBIDDEN_FOR_ROLE', limit: 2 };
    // The audit middleware writes once the response has gone out.
    await eventually(async () => expect((await get('/audit', query).expect(200)).body.total).toBe(5));
    const all = (await get('/audit', { ...query, limit: 5 }).expect(200)).body.items.map((e: { id: string }) => e.id);

    const seen = await walk<{ id: string }>(
      '/audit',
      query,
      (e) => e.id,
      async () => {
        await refuse();
        await eventually(async () => expect((await get('/audit', query).expect(200)).body.total).toBe(6));
      },
    );
    expect(seen).toEqual(all);
  });

  it('refuses a cursor from elsewhere, or with an offset, naming the field', async () => {
    const bad = await get('/audit', { after: 'bm90LWEtY3Vyc29y' }).expect(400);
    expect(bad.body.error.details).toEqual([{ field: 'after', reason: 'is not a page of this list' }]);
    const { body } = await get('/customers', { limit: 1 }).expect(200);
    expect(body.next).toEqual(expect.any(String));
    await get('/audit', { after: body.next }).expect(400);
    const both = await get('/customers', { after: body.next, offset: 1 }).expect(400);
    expect(both.body.error.details).toEqual([{ field: 'offset', reason: 'cannot be given with after' }]);
    await get('/customers', { after: 'not a cursor!' }).expect(400);
  });
});
