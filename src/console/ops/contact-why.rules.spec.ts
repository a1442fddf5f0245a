import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REASON_CODES } from '../../compliance/policy.types';
import { TASK_STATUSES } from '../../dispatch/contact-task.entity';
import { contactReasons, contactWhy, LoggedContact, TASK_REASON_CODES } from './contact-why.rules';

const NOW = new Date('2026-11-20T13:40:00Z'); // 21:40 in Shanghai
const ZONE = 'Asia/Shanghai';
const contact = (fields: Partial<LoggedContact>): LoggedContact => ({
  status: 'pending',
  reasons: [],
  dueAt: new Date('2026-11-21T00:00:00Z'),
  condition: null,
  attempt: null,
  ...fields,
});
const both = (c: LoggedContact) => [contactWhy(c, ZONE, 'en', NOW), contactWhy(c, ZONE, 'zh-CN', NOW)];

describe('the why of a contact', () => {
  it('says a deferred task waits for quiet hours, until when, in the customer zone', () => {
    const deferred = contact({
      dueAt: new Date('2026-11-21T00:00:00Z'),
      reasons: [{ code: 'QUIET_HOURS', window: '08:00-22:00', zone: ZONE, until: '2026-11-21T00:00:00.000Z' }],
    });
    expect(both(deferred)).toEqual([
      'deferred — quiet hours (contact hours 08:00-22:00) until 2026-11-21 08:00 Asia/Shanghai',
      '已延后 — 免打扰时段（可联系时段 08:00-22:00），延后至 2026-11-21 08:00 Asia/Shanghai',
    ]);
    const sameDay = contactWhy({ ...deferred, dueAt: new Date('2026-11-20T14:00:00Z') }, ZONE, 'en', NOW);
    expect(sameDay).toBe('deferred — quiet hours (contact hours 08:00-22:00) until 22:00 Asia/Shanghai');
  });

  it('gives every reason its code and its words, the step condition included', () => {
    const suppressed = contact({
      status: 'cancelled',
      condition: 'no_reply',
      reasons: [
        { code: 'QUIET_HOURS', window: '08:00-22:00', zone: ZONE, until: '2026-11-21T00:00:00.000Z' },
        { code: 'STEP_CONDITION_NOT_MET' },
        { code: 'SOMETHING_NEW', message: 'from a later release' },
      ],
    });
    expect(contactReasons(suppressed, ZONE, 'en', NOW)).toEqual([
      { code: 'QUIET_HOURS', text: 'quiet hours (contact hours 08:00-22:00)' },
      { code: 'STEP_CONDITION_NOT_MET', text: 'the customer replied to the previous step' },
      { code: 'SOMETHING_NEW', text: 'SOMETHING_NEW: from a later release' },
    ]);
    expect(contactReasons(suppressed, ZONE, 'zh-CN', NOW)[1]).toEqual({
      code: 'STEP_CONDITION_NOT_MET',
      text: '客户已回复上一步',
    });
    // The headline speaks from the same words.
    expect(contactWhy(suppressed, ZONE, 'en', NOW)).toBe('cancelled — SOMETHING_NEW: from a later release');
  });

  it('says when a sent message was delivered, and what the provider said when it was not', () => {
    const at = new Date('2026-11-20T02:02:00Z');
    expect(contactWhy(contact({ status: 'sent', attempt: { status: 'delivered', at, errorCode: null } }), ZONE, 'en', NOW)).toBe(
      'sent — delivered 10:02 Asia/Shanghai',
    );
    expect(
      contactWhy(contact({ status: 'sent', attempt: { status: 'undelivered', at, errorCode: '30003' } }), ZONE, 'zh-CN', NOW),
    ).toBe('已发送 — 未送达 (30003) 10:02 Asia/Shanghai');
  });

  it('names the opt-out, its source and its day', () => {
    const suppressed = contact({
      status: 'suppressed',
      reasons: [{ code: 'OPTED_OUT', channel: 'sms', scope: 'all', source: 'sms_keyword', since: '2026-11-19T16:30:00.000Z' }],
    });
    expect(contactWhy(suppressed, ZONE, 'en', NOW)).toBe('suppressed — opted out of SMS (sms_keyword, 2026-11-20)');
  });

  it('says which condition a skipped follow-up step failed', () => {
    const skipped = contact({ status: 'skipped', condition: 'not_delivered', reasons: [{ code: 'STEP_CONDITION_NOT_MET' }] });
    expect(both(skipped)).toEqual(['skipped — the previous step was delivered', '已跳过 — 上一步已送达']);
  });

  it('lets only the last reason speak for a task closed by a later event', () => {
    const cancelled = contact({
      status: 'cancelled',
      reasons: [{ code: 'QUIET_HOURS', window: '08:00-22:00' }, { code: 'PAID' }],
    });
    expect(contactWhy(cancelled, ZONE, 'en', NOW)).toBe('cancelled — the customer paid');
  });

  it('tells a retry from a deferral', () => {
    const retrying = contact({ reasons: [{ code: 'PROVIDER_TRANSIENT', providerCode: 'HTTP_503', message: 'busy' }] });
    expect(contactWhy(retrying, ZONE, 'en', NOW)).toBe(
      'retrying — provider error (HTTP_503 busy), next try 2026-11-21 08:00 Asia/Shanghai',
    );
    expect(contactWhy(contact({}), ZONE, 'en', NOW)).toBe('queued — due 2026-11-21 08:00 Asia/Shanghai');
  });

  it('has a sentence in both languages for every status', () => {
    for (const status of TASK_STATUSES) {
      const [en, zh] = both(contact({ status, reasons: [{ code: 'EXPIRED' }] }));
      expect(en).not.toBe('');
      expect(zh).not.toBe(en);
    }
  });

  it('has a sentence in both languages for every reason code, never the bare code', () => {
    for (const code of [...REASON_CODES, ...TASK_REASON_CODES]) {
      const [en, zh] = both(contact({ status: 'failed', reasons: [{ code }] }));
      expect(en).not.toContain(code);
      expect(zh).not.toContain(code);
      expect(zh).not.toBe(en);
    }
  });

  it('knows every code the code base writes into contact_tasks.reasons', () => {
    const written = new Set<string>();
    const patterns = [/"code": "([A-Z_]+)"/g, /'code', '([A-Z_]+)'/g, /reasons: \[\{[^\]]*code: '([A-Z_]+)'/g];
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory()
          ? walk(join(dir, e.name))
          : e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts')
            ? [join(dir, e.name)]
            : [],
      );
    for (const file of walk(join(__dirname, '..', '..')).filter((f) => !f.includes('/console/'))) {
      const source = readFileSync(file, 'utf8');
      for (const pattern of patterns) for (const match of source.matchAll(pattern)) written.add(match[1]);
    }
    expect(written.size).toBeGreaterThan(8);
    const known = new Set<string>([...REASON_CODES, ...TASK_REASON_CODES]);
    expect([...written].filter((code) => !known.has(code))).toEqual([]);
  });

  it('shows an unknown code as itself rather than nothing', () => {
    expect(contactWhy(contact({ status: 'failed', reasons: [{ code: 'NEW_THING', message: 'odd' }] }), ZONE, 'en', NOW)).toBe(
      'failed — NEW_THING: odd',
    );
  });
});
