import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every template version Herald has loaded, with its source: a campaign pins a version at launch
 * and renders it after the file has changed and Herald has restarted. The version is the content
 * hash, so a row can never say something other than what its version names.
 */
export class TemplateVersions1763700400000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE template_versions (
        key         text NOT NULL CHECK (key ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
        locale      text NOT NULL CHECK (locale IN ('zh-CN', 'en')),
        channel     text NOT NULL CHECK (channel IN ('sms', 'email', 'voice', 'agent')),
        version     text NOT NULL,
        source      text NOT NULL,
        first_seen  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (key, locale, channel, version),
        CONSTRAINT template_versions_version_is_hash
          CHECK (version = left(encode(sha256(convert_to(source, 'UTF8')), 'hex'), 12))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE template_versions`);
  }
}
