import twilio from 'twilio';
import { TwilioSettings } from '../../src/channels/channels.config';
import { createTwilioClient } from '../../src/channels/twilio-request.client';
import { freePort } from '../../src/database/embedded-database';
import { eventually } from '../support/eventually';
import { FakeTwilio } from '../support/fake-twilio.server';

const FROM = '+15005550006';
const TWIML = '<Response><Say>您好</Say></Response>';

/** Waits for the clock's next whole second and gives it: the SDK sends date filters to the second. */
async function nextSecond(): Promise<Date> {
  const next = Math.floor(Date.now() / 1000) * 1000 + 1000;
  await new Promise((later) => setTimeout(later, next - Date.now() + 5));
  return new Date(next);
}

describe('the local Twilio, read back and failing, through the real SDK', () => {
  let fake: FakeTwilio;
  let settings: TwilioSettings;
  let client: twilio.Twilio;
  let numbers = 0;
  /** A customer number no other test has used, so each test reads only its own messages and calls. */
  const customer = () => `+8613800${String(++numbers).padStart(6, '0')}`;

  beforeAll(async () => {
    fake = await FakeTwilio.start();
    settings = {
      accountSid: fake.accountSid,
      authToken: fake.authToken,
      messagingServiceSid: undefined,
      fromNumber: FROM,
      apiBaseUrl: fake.baseUrl,
    };
    client = createTwilioClient(settings);
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.clearFailures();
    fake.faults = undefined;
  });

  const sms = (to: string, from = FROM) => client.messages.create({ to, from, body: 'x' });
  const call = (to: string, statusCallback?: string) => client.calls.create({ to, from: FROM, twiml: TWIML, statusCallback });
  const rejection = (promise: Promise<unknown>) =>
    promise.then(
      () => {
        throw new Error('expected a rejection');
      },
      (error: unknown) => error,
    );
  /** What the fake did with each create request to `to`. */
  const outcomes = (to: string) => fake.requests.filter((r) => r.method === 'POST' && r.params.To === to).map((r) => r.outcome);
  const query = (path: string) => Object.fromEntries(new URL(path, fake.baseUrl).searchParams);

  describe('lists', () => {
    it('lists the messages to a number sent since a time, newest first, following the pages', async () => {
      const to = customer();
      await sms(to); // before the time asked about
      const since = await nextSecond();
      const sent: string[] = [];
      for (let i = 0; i < 120; i++) {
        sent.push((await sms(to)).sid);
        if (i % 10 === 0) await sms(customer());
      }
      const newestFirst = sent.reverse();
      const before = fake.requests.length;

      const listed = await client.messages.list({ to, dateSentAfter: since, pageSize: 50 });

      expect(listed.map((m) => m.sid)).toEqual(newestFirst);
      expect(listed.every((m) => m.dateSent >= since)).toBe(true);
      // The SDK sends the date-time to the second, in UTC; each next page is anchored on the last message shown.
      const filters = { To: to, 'DateSent>': since.toISOString().replace('.000Z', 'Z'), PageSize: '50' };
      expect(fake.requests.slice(before).map((r) => query(r.path))).toEqual([
        filters,
        { ...filters, Page: '1', PageToken: `PA${newestFirst[49]}` },
        { ...filters, Page: '2', PageToken: `PA${newestFirst[99]}` },
      ]);
    });

    it('answers pages shaped as the spec says, and a message sent while paging does not repeat one', async () => {
      const to = customer();
      const sent: string[] = [];
      for (let i = 0; i < 5; i++) sent.push((await sms(to)).sid);
      const list = `/2010-04-01/Accounts/${fake.accountSid}/Messages.json`;
      const page = (uri: string) =>
        fetch(fake.baseUrl + uri, {
          headers: { Authorization: `Basic ${Buffer.from(`${fake.accountSid}:${fake.authToken}`).toString('base64')}` },
        }).then((response) => response.json() as Promise<Record<string, unknown> & { messages: { sid: string }[] }>);
      const sids = (body: { messages: { sid: string }[] }) => body.messages.map((m) => m.sid);
      const filter = `To=${encodeURIComponent(to)}&PageSize=2`;

      const first = await page(`${list}?${filter}`);
      expect(first).toEqual({
        messages: [expect.objectContaining({ sid: sent[4], to }), expect.objectContaining({ sid: sent[3], to })],
        end: 1,
        first_page_uri: `${list}?${filter}&Page=0`,
        next_page_uri: `${list}?${filter}&Page=1&PageToken=PA${sent[3]}`,
        page: 0,
        page_size: 2,
        previous_page_uri: null,
        start: 0,
        uri: `${list}?${filter}&Page=0`,
      });
      await sms(to);
      const second = await page(first.next_page_uri as string);
      expect(second).toMatchObject({
        start: 2,
        end: 3,
        page: 1,
        previous_page_uri: `${list}?${filter}&Page=0&PageToken=PB${sent[2]}`,
      });
      expect(sids(second)).toEqual([sent[2], sent[1]]);
      expect(sids(await page(second.previous_page_uri as string))).toEqual([sent[4], sent[3]]);
      const third = await page(second.next_page_uri as string);
      expect(third).toMatchObject({ start: 4, end: 4, next_page_uri: null });
      expect(sids(third)).toEqual([sent[0]]);
    });

    it('lists the messages from a sender', async () => {
      const to = customer();
      const other = (await sms(to, '+15005550007')).sid;
      await sms(to);
      const seen: string[] = [];

      await client.messages.each({ to, from: '+15005550007' }, (m) => seen.push(m.sid));

      expect(seen).toEqual([other]);
    });

    it('lists the calls to a number started since a time, page by page, and fetches one', async () => {
      const to = customer();
      await call(to);
      const since = await nextSecond();
      const made = [(await call(to)).sid, (await call(to)).sid, (await call(to)).sid];
      await call(customer());

      const first = await client.calls.page({ to, startTimeAfter: since, pageSize: 2 });
      const second = await first.nextPage();

      expect([...first.instances, ...second!.instances].map((c) => c.sid)).toEqual([...made].reverse());
      expect(second!.nextPageUrl).toBeUndefined();
      expect(await client.calls(made[0]).fetch()).toMatchObject({
        sid: made[0],
        to,
        status: 'queued',
        startTime: expect.any(Date),
      });
    });

    it('lists calls by the status and end time they reach', async () => {
      const to = customer();
      const since = await nextSecond();
      const [ended, ongoing] = [await call(to, `http://127.0.0.1:${await freePort()}/status`), await call(to)];
      await fake.postCallStatus(ended.sid, 'completed');

      const completed = await client.calls.list({ to, status: 'completed', endTimeAfter: since });

      expect(completed.map((c) => c.sid)).toEqual([ended.sid]);
      expect(completed[0].endTime).toEqual(expect.any(Date));
      expect(await client.calls.list({ to, status: 'queued' })).toMatchObject([{ sid: ongoing.sid }]);
    });
  });

  describe('faults', () => {
    it('creates the message, then answers 502: the SDK throws, and the message is listed', async () => {
      const to = customer();
      fake.failFor(to, { status: 502, after: 'create' });

      const error = await rejection(sms(to));

      expect(error).toBeInstanceOf(twilio.RestException);
      expect(error).toMatchObject({ status: 502 });
      const listed = await client.messages.list({ to });
      expect(listed).toMatchObject([{ to, status: 'queued' }]);
      expect(outcomes(to)).toEqual([{ status: 502, sid: listed[0].sid }]);
    });

    it('creates the message, then drops the connection: a network error, and the message is listed', async () => {
      const to = customer();
      fake.failFor(to, { reset: true, after: 'create' });

      const error = await rejection(sms(to));

      expect(error).not.toBeInstanceOf(twilio.RestException);
      expect(error).toMatchObject({ code: 'ECONNRESET' });
      const listed = await client.messages.list({ to });
      expect(listed).toHaveLength(1);
      expect(outcomes(to)).toEqual([{ status: 'reset', sid: listed[0].sid }]);
    });

    it('creates the message, then answers after the caller has given up', async () => {
      const to = customer();
      fake.failFor(to, { delayMs: 500, after: 'create' });
      const impatient = createTwilioClient(settings, { timeoutMs: 100 });

      const error = await rejection(impatient.messages.create({ to, from: FROM, body: 'x' }));

      expect(error).toMatchObject({ code: 'ETIMEDOUT' });
      const listed = await client.messages.list({ to });
      expect(listed).toHaveLength(1);
      expect(outcomes(to)).toEqual([undefined]);
      await eventually(async () => expect(outcomes(to)).toEqual([{ status: 201, sid: listed[0].sid }]));
    });

    it('drops the connection before creating: nothing is made', async () => {
      const to = customer();
      fake.failFor(to, { reset: true });

      expect(await rejection(sms(to))).toMatchObject({ code: 'ECONNRESET' });

      expect(await client.messages.list({ to })).toEqual([]);
      expect(outcomes(to)).toEqual([{ status: 'reset' }]);
    });

    it('asks the faults hook about each create request no number failure applies to', async () => {
      const [texted, called, failing] = [customer(), customer(), customer()];
      const asked: unknown[] = [];
      fake.faults = (request) => {
        asked.push(request);
        return request.kind === 'call' ? { status: 500, after: 'create' } : undefined;
      };
      fake.failFor(failing, { code: 21211 });

      await sms(texted);
      expect(await rejection(call(called))).toMatchObject({ status: 500 });
      expect(await rejection(sms(failing))).toMatchObject({ status: 400, code: 21211 });

      expect(asked).toEqual([
        { kind: 'message', to: texted },
        { kind: 'call', to: called },
      ]);
      const [made] = await client.calls.list({ to: called });
      expect(outcomes(called)).toEqual([{ status: 500, sid: made.sid }]);
      expect(outcomes(failing)).toEqual([{ status: 400 }]);
    });
  });
});
