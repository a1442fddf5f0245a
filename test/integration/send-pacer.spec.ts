import { DataSource } from 'typeorm';
import { SendPacer } from '../../src/dispatch/send-pacer';
import { ownDatabase } from '../support/own-database';

describe('SendPacer (GCRA slots in PostgreSQL)', () => {
  let db: DataSource;
  let pacer: SendPacer;

  ownDatabase((opened) => {
    db = opened;
    pacer = new SendPacer(db);
  });

  const now = new Date('2026-11-23T02:00:00.000Z');
  const ms = (dates: Date[]) => dates.map((d) => d.getTime() - now.getTime());

  it('spaces a sender’s slots exactly 1/rate apart, and the next batch continues where the last ended', async () => {
    expect(ms(await pacer.reserve('sms:+15005550006', 3, 4, now))).toEqual([0, 250, 500]);
    expect(ms(await pacer.reserve('sms:+15005550006', 2, 4, now))).toEqual([750, 1000]);
  });

  it('keeps senders apart, and an idle sender starts again from now', async () => {
    expect(ms(await pacer.reserve('call:AC1', 2, 1, now))).toEqual([0, 1000]);
    const later = new Date(now.getTime() + 60_000);
    expect((await pacer.reserve('call:AC1', 1, 1, later))[0]).toEqual(later);
  });

  it('never hands the same slot to two reservations made at once (two instances)', async () => {
    const batches = await Promise.all(Array.from({ length: 10 }, () => pacer.reserve('sms:shared', 50, 100, now)));
    const slots = batches.flat().map((d) => d.getTime());
    expect(new Set(slots).size).toBe(500);
    const sorted = [...slots].sort((a, b) => a - b);
    expect(sorted[499] - sorted[0]).toBe(4990);
  });
});
