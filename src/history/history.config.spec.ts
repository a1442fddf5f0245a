import { InvalidConfigError, loadConfig } from '../config/app-config';

const problems = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof InvalidConfigError) return error.problems;
    throw error;
  }
};

describe('retention settings', () => {
  it('defaults to two years of contacts and messages, five of audit, seven of consent evidence', () => {
    expect(loadConfig({}).history.retentionMonths).toEqual({
      contact_history: 24,
      inbound_messages: 24,
      audit: 60,
      sandbox: 3,
      consent_evidence: 84,
    });
  });

  it('refuses consent evidence kept less than the legal minimum, saying why', () => {
    expect(problems({ RETENTION_CONSENT_EVIDENCE_MONTHS: '59' })).toEqual([
      'RETENTION_CONSENT_EVIDENCE_MONTHS must be at least 60 months — the legal minimum for consent evidence (docs/privacy.md) — got 59',
    ]);
    expect(problems({ RETENTION_CONSENT_EVIDENCE_MONTHS: '60' })).toEqual([]);
  });

  it('refuses a contact history shorter than the caps look back', () => {
    expect(problems({ RETENTION_CONTACT_HISTORY_MONTHS: '1' })).toEqual([
      'RETENTION_CONTACT_HISTORY_MONTHS must be at least 2 months — the frequency caps count the contacts of the last weeks — got 1',
    ]);
  });
});
