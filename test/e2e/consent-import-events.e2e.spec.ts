import { startTestApp, TestApp } from '../support/test-app';

/**
 * Bulk consent changes are announced like single ones: a customer import's consent columns write
 * the ledger set-based, and each entry that changed what a customer says becomes a consent.changed
 * event — only once a subscription wants the type.
 */
describe('consent.changed from bulk changes: customer imports and the do-not-contact list', () => {
  let t: TestApp;
  let ops: string;
  let integration: string;

  beforeAll(async () => {
    t = await startTestApp({ EVENTS_DELIVERY_ENABLED: 'false' });
    [ops, integration] = await Promise.all([t.keyFor('ops'), t.keyFor('integration')]);
  });
  afterAll(() => t.close());

  const HEADER = 'external_ref,full_name,phone,country,timezone,consent_sms,consent_email';
  const upload = (rows: string[]) =>
    t.http
      .post('/customers/imports')
      .set('Authorization', `Bearer ${ops}`)
      .set('Content-Type', 'text/csv')
      .send([HEADER, ...rows].join('\n') + '\n')
      .expect(201);
  const told = async (): Promise<{ customerRef: string; data: Record<string, string> }[]> =>
    t.db.query(
      `SELECT c.external_ref AS "customerRef", e.data FROM events e JOIN customers c ON c.id = e.customer_id
        WHERE e.type = 'consent.changed' ORDER BY e.seq`,
    );

  it('writes nothing while no subscription wants consent.changed', async () => {
    const { body } = await upload(['CIE-0,Zero,+8613600137000,CN,Asia/Shanghai,granted,revoked']);
    expect(body.status).toBe('succeeded');
    expect(await told()).toEqual([]);
  });

  it('tells of new customers’ consent, then only of what a later import changes', async () => {
    await t.http
      .post('/event-subscriptions')
      .set('Authorization', `Bearer ${integration}`)
      .send({
        name: 'consent',
        url: 'http://127.0.0.1:9/events',
        eventTypes: ['consent.changed'],
        secret: 'a-secret-of-16-chars',
      })
      .expect(201);

    // New customers: the fast path (COPY), every entry a change from nothing.
    await upload([
      'CIE-1,One,+8613600137001,CN,Asia/Shanghai,granted,',
      'CIE-2,Two,+8613600137002,CN,Asia/Shanghai,revoked,granted',
    ]);
    const first = await told();
    expect(first.map((e) => [e.customerRef, e.data.channel, e.data.state])).toEqual(
      expect.arrayContaining([
        ['CIE-1', 'sms', 'granted'],
        ['CIE-2', 'sms', 'revoked'],
        ['CIE-2', 'email', 'granted'],
      ]),
    );
    expect(first).toHaveLength(3);
    expect(first[0].data).toMatchObject({ scope: 'marketing', source: 'import' });
    expect(first[0].data.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const [{ deliveries }] = await t.db.query(
      `SELECT count(*)::int AS deliveries FROM event_deliveries d JOIN events e ON e.id = d.event_id WHERE e.type = 'consent.changed'`,
    );
    expect(deliveries).toBe(3);

    // The same file again (existing customers, the upsert path): nothing changed, nothing told.
    await upload([
      'CIE-1,One,+8613600137001,CN,Asia/Shanghai,granted,',
      'CIE-2,Two,+8613600137002,CN,Asia/Shanghai,revoked,granted',
    ]);
    expect(await told()).toHaveLength(3);

    // One customer takes back marketing by SMS: that one entry, and CIE-0 (imported before anyone listened) as it changes now.
    await upload([
      'CIE-1,One,+8613600137001,CN,Asia/Shanghai,revoked,',
      'CIE-2,Two,+8613600137002,CN,Asia/Shanghai,revoked,granted',
      'CIE-0,Zero,+8613600137000,CN,Asia/Shanghai,granted,granted',
    ]);
    const later = (await told()).slice(3);
    expect(later.map((e) => [e.customerRef, e.data.channel, e.data.state]).sort()).toEqual([
      ['CIE-0', 'email', 'granted'],
      ['CIE-1', 'sms', 'revoked'],
    ]);
  });

  it('tells of each customer a do-not-contact listing stops, from a file or one at a time, once', async () => {
    const before = (await told()).length;
    const dnc = (path: string) => t.http.post(path).set('Authorization', `Bearer ${ops}`);
    // CIE-2's phone (SMS and calls) and a number no customer has; then CIE-0's e-mail on its own.
    const file = 'value\n+8613600137002\n+8613600137999\n';
    await dnc('/do-not-contact/import').set('Content-Type', 'text/csv').send(file).expect(200);
    await t.db.query(`UPDATE customers SET email = 'CIE-0@Example.cn' WHERE external_ref = 'CIE-0'`);
    await dnc('/do-not-contact').send({ value: 'cie-0@example.cn' }).expect(201);
    // Listed already: nothing new, nothing told.
    await dnc('/do-not-contact/import').set('Content-Type', 'text/csv').send(file).expect(200);

    const listed = (await told()).slice(before);
    expect(listed.map((e) => [e.customerRef, e.data.channel, e.data.scope, e.data.state, e.data.source]).sort()).toEqual([
      ['CIE-0', 'email', 'all', 'revoked', 'do_not_contact'],
      ['CIE-2', 'call', 'all', 'revoked', 'do_not_contact'],
      ['CIE-2', 'sms', 'all', 'revoked', 'do_not_contact'],
    ]);
  });
});
