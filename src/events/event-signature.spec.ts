import { signEvent, verifyEvent } from './event-signature';

const SECRET = 'a-secret-of-at-least-24-chars';
const BODY = '{"id":"e1","type":"payment.recorded","occurredAt":"2026-11-23T02:00:00.000Z","data":{}}';
const NOW = 1_795_000_000;

describe('event signatures', () => {
  it('signs the timestamp with the body, in the form the core notices had', () => {
    expect(signEvent(SECRET, NOW, BODY)).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(signEvent(SECRET, NOW, BODY)).not.toBe(signEvent(SECRET, NOW + 1, BODY));
  });

  it('accepts what was signed, and refuses a tampered body, another timestamp, an old delivery and another key', () => {
    const headers = { signature: signEvent(SECRET, NOW, BODY), timestamp: String(NOW) };
    expect(verifyEvent(SECRET, headers, BODY, NOW + 10)).toBe(true);
    expect(verifyEvent(SECRET, headers, BODY.replace('payment', 'pavment'), NOW)).toBe(false);
    expect(verifyEvent(SECRET, { ...headers, timestamp: String(NOW + 1) }, BODY, NOW)).toBe(false);
    expect(verifyEvent(SECRET, headers, BODY, NOW + 301)).toBe(false);
    expect(verifyEvent('another-secret-of-24-chars!!', headers, BODY, NOW)).toBe(false);
    expect(verifyEvent(SECRET, { timestamp: String(NOW) }, BODY, NOW)).toBe(false);
  });
});
