import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ManualClock } from '../../src/common/clock';
import { loadConfig } from '../../src/config/app-config';
import { templateVersion } from '../../src/templates/template.compiler';
import { TemplateVersionStore } from '../../src/templates/template-version.store';
import { TemplatesService } from '../../src/templates/templates.service';
import { TemplateAudienceRepository } from '../../src/templates/template-audience.repository';
import { ownDatabase } from '../support/own-database';

const SHIPPED = join(__dirname, '..', '..', 'scripts-templates');

describe('TemplatesService on PostgreSQL', () => {
  let db: DataSource;
  let dir: string;
  const clock = new ManualClock(new Date('2025-11-21T01:00:00Z'));

  ownDatabase((opened) => {
    db = opened;
  });
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'herald-templates-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A Herald start: the service loads `templatesDir` and records its versions. */
  async function start(templatesDir = dir): Promise<TemplatesService> {
    const config = loadConfig({ TEMPLATES_DIR: templatesDir, PUBLIC_BASE_URL: 'https://herald.test' });
    const service = new TemplatesService(config, new TemplateVersionStore(db, clock), new TemplateAudienceRepository(db));
    await service.onModuleInit();
    return service;
  }

  function writeGreeting(key: string, body: string): string {
    mkdirSync(join(dir, key), { recursive: true });
    let source = '';
    for (const locale of ['en', 'zh-CN']) {
      source = `---\npurpose: system\nchannel: sms\nlocale: ${locale}\nmarketing: no\ndescription: greeting\nfields: customer.fullName\n---\n${body}\n`;
      writeFileSync(join(dir, key, `${locale}.sms.hbs`), source);
    }
    return source;
  }
  const customer = { fullName: 'Li Na', timezone: 'Asia/Shanghai' };

  it('records each loaded version once, keeping when it was first seen', async () => {
    const source = writeGreeting('greeting-a', 'Hello {{customer.fullName}}');
    await start();
    clock.advance(3_600_000);
    await start();
    const rows = await db.query(
      `SELECT locale, version, source, first_seen FROM template_versions WHERE key = 'greeting-a' ORDER BY locale`,
    );
    expect(rows).toEqual([
      {
        locale: 'en',
        version: templateVersion(source.replace('zh-CN', 'en')),
        source: source.replace('zh-CN', 'en'),
        first_seen: new Date('2025-11-21T01:00:00Z'),
      },
      { locale: 'zh-CN', version: templateVersion(source), source, first_seen: new Date('2025-11-21T01:00:00Z') },
    ]);
  });

  it('renders a pinned version after the file changed and Herald restarted', async () => {
    writeGreeting('greeting-b', 'Hello {{customer.fullName}}');
    const before = await start();
    const pinned = before.pin('greeting-b', 'en', 'sms');

    writeGreeting('greeting-b', 'Good evening, {{customer.fullName}}');
    const after = await start();
    const current = after.pin('greeting-b', 'en', 'sms');
    expect(current).not.toBe(pinned);

    const request = { key: 'greeting-b', locale: 'en', channel: 'sms', customer } as const;
    expect(await after.render(request)).toMatchObject({ version: current, sms: { body: 'Good evening, Li Na' } });
    expect(await after.render({ ...request, version: pinned })).toMatchObject({ version: pinned, sms: { body: 'Hello Li Na' } });
    await expect(after.render({ ...request, version: 'abcdefabcdef' })).rejects.toMatchObject({
      code: 'TEMPLATE_VERSION_NOT_FOUND',
      status: 404,
    });

    const detail = await after.describe('greeting-b');
    const en = detail.variants.find((v) => v.locale === 'en')!;
    expect(en.versions.map((v) => [v.version, v.current])).toEqual(
      expect.arrayContaining([
        [pinned, false],
        [current, true],
      ]),
    );
    expect(en.source).toContain('Good evening');
  });

  it('refuses a stored version that no longer fits the profile, naming it', async () => {
    writeGreeting('greeting-c', 'Hello {{customer.fullName}}');
    const service = await start();
    const stale =
      '---\npurpose: system\nchannel: sms\nlocale: en\nmarketing: no\ndescription: old\nfields: customer.nickname\n---\nHi {{customer.nickname}}\n';
    await db.query(
      `INSERT INTO template_versions (key, locale, channel, version, source) VALUES ('greeting-c', 'en', 'sms', $1, $2)`,
      [templateVersion(stale), stale],
    );
    await expect(
      service.render({ key: 'greeting-c', locale: 'en', channel: 'sms', customer, version: templateVersion(stale) }),
    ).rejects.toMatchObject({
      code: 'TEMPLATE_INVALID',
      message: expect.stringContaining(
        `template_versions greeting-c/en.sms.hbs@${templateVersion(stale)}:7: "customer.nickname" is declared but`,
      ),
    });
  });

  it('keeps a version and its source in agreement in the schema', async () => {
    await expect(
      db.query(
        `INSERT INTO template_versions (key, locale, channel, version, source) VALUES ('x', 'en', 'sms', '000000000000', 'Hello')`,
      ),
    ).rejects.toThrow(/template_versions_version_is_hash/);
  });

  describe('campaign audiences', () => {
    let templates: TemplatesService;
    beforeAll(async () => {
      templates = await start(SHIPPED);
      await db.query(`
        INSERT INTO customers (external_ref, full_name, card_last4, due_date, days_past_due, minimum_due, statement_balance)
        VALUES ('A1', 'A', '1111', '2025-12-05', 0, 10000, 90000),
               ('A2', 'B', NULL, '2025-12-05', 0, 10000, 90000),
               ('A3', 'C', '3333', NULL, 0, 10000, 90000),
               ('A4', 'D', NULL, NULL, 0, 10000, 90000),
               ('B1', 'E', '5555', '2025-11-01', 20, 10000, 90000)`);
    });

    it('names the profile fields a template needs', () => {
      expect(templates.requiredProfileFields('repayment-reminder-before-due', 'sms')).toEqual([
        'cardLast4',
        'currency',
        'dueDate',
        'minimumDue',
        'statementBalance',
      ]);
      expect(templates.requiredProfileFields('help')).toEqual([]);
    });

    it('counts, in one statement, the customers of an audience lacking each field', async () => {
      const audience = { where: `(c.external_ref LIKE $1)`, params: ['A%'] };
      expect(await templates.missingFieldCounts('repayment-reminder-before-due', audience)).toEqual({
        audience: 4,
        missing: { 'customer.cardLast4': 2, 'customer.dueDate': 2 },
      });
      expect(await templates.missingFieldCounts('help', audience)).toEqual({ audience: 4, missing: {} });
    });

    it('refuses an audience the template cannot render for, and accepts one it can', async () => {
      await expect(
        templates.assertAudienceFits(
          'repayment-reminder-before-due',
          { where: `(c.external_ref LIKE $1)`, params: ['A%'] },
          'sms',
        ),
      ).rejects.toMatchObject({
        code: 'TEMPLATE_FIELDS_MISSING_IN_AUDIENCE',
        status: 422,
        details: [
          { field: 'customer.cardLast4', reason: '2 of 4 customers have no value' },
          { field: 'customer.dueDate', reason: '2 of 4 customers have no value' },
        ],
      });
      expect(
        await templates.assertAudienceFits('collections-early', { where: `(c.days_past_due > $1)`, params: [0] }, 'sms'),
      ).toEqual({ audience: 1, missing: {} });
    });

    it('answers unknown templates and channels with 404', async () => {
      expect(() => templates.requiredProfileFields('nope')).toThrow(expect.objectContaining({ code: 'TEMPLATE_NOT_FOUND' }));
      expect(() => templates.requiredProfileFields('help', 'voice')).toThrow(
        expect.objectContaining({ code: 'TEMPLATE_VARIANT_NOT_FOUND' }),
      );
      expect(() => templates.pin('help', 'en', 'email')).toThrow(expect.objectContaining({ code: 'TEMPLATE_VARIANT_NOT_FOUND' }));
    });
  });
});
