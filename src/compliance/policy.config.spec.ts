import { InvalidConfigError, loadConfig } from '../config/app-config';
import { DEFAULT_PACKS } from './rule-pack';

const policyOf = (env: Record<string, string>) => loadConfig(env).policy;
const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof InvalidConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('policy configuration', () => {
  it('defaults to the packs as the rulebook states them, US to us and everyone else to cn', () => {
    const policy = policyOf({});
    expect(policy.packs).toEqual(DEFAULT_PACKS);
    expect(policy.countryPacks).toEqual({ US: 'us' });
    expect(policy.defaultPack).toBe('cn');
  });

  it('applies tightenings of hours, caps, marketing days and critical fraud calls', () => {
    const policy = policyOf({
      POLICY_OVERRIDES: JSON.stringify({
        cn: {
          contactHours: { collections: { call: '09:00-20:00' }, marketing: { email: '09:00-20:00' } },
          caps: { CAP_DAILY_TOTAL: { limit: 3 }, CAP_MARKETING_SMS_7D: { window: { hours: 336 } } },
          marketingDays: { noWeekend: true, noPublicHoliday: true },
          fraudCriticalCallsAnyHour: false,
        },
        us: { caps: { CAP_US_CALLS_7D: { limit: 5, window: { localDays: 7 } } } },
      }),
    });
    expect(policy.packs.cn.contactHours.collections.call).toBe('09:00-20:00');
    expect(policy.packs.cn.contactHours.marketing.email).toBe('09:00-20:00');
    expect(policy.packs.cn.contactHours.collections.sms).toBe('08:00-22:00');
    expect(policy.packs.cn.caps.CAP_DAILY_TOTAL).toMatchObject({ limit: 3, window: { localDays: 1 } });
    expect(policy.packs.cn.caps.CAP_MARKETING_SMS_7D).toMatchObject({ limit: 2, window: { hours: 336 } });
    expect(policy.packs.cn.marketingDays).toEqual({ noWeekend: true, noPublicHoliday: true, calendar: 'cn-mainland' });
    expect(policy.packs.cn.fraudCriticalCallsAnyHour).toBe(false);
    expect(policy.packs.us.caps.CAP_US_CALLS_7D!.limit).toBe(5);
    // The shared defaults are untouched.
    expect(DEFAULT_PACKS.cn.caps.CAP_DAILY_TOTAL!.limit).toBe(5);
    expect(policy.packs.us.caps.CAP_DAILY_TOTAL!.limit).toBe(5);
  });

  it.each([
    [
      { cn: { contactHours: { collections: { call: '07:00-22:00' } } } },
      'cn.contactHours.collections.call: 07:00-22:00 is wider than 08:00-22:00',
    ],
    [{ cn: { contactHours: { fraud: { call: 'any' } } } }, 'cn.contactHours.fraud.call: must be "HH:mm-HH:mm"'],
    [{ cn: { contactHours: { collections: { call: '21:00-09:00' } } } }, 'start before end'],
    [{ cn: { contactHours: { collections: { fax: '09:00-20:00' } } } }, 'cn.contactHours.collections.fax: unknown channel'],
    [{ us: { caps: { CAP_DAILY_TOTAL: { limit: 6 } } } }, 'us.caps.CAP_DAILY_TOTAL.limit: must be a whole number from 1 to 5'],
    [{ us: { caps: { CAP_DAILY_TOTAL: { limit: 0 } } } }, 'limits may only go down'],
    [{ us: { caps: { CAP_MARKETING_SMS_7D: { window: { hours: 24 } } } } }, 'windows may only grow'],
    [{ us: { caps: { CAP_MARKETING_SMS_7D: { window: { localDays: 7 } } } } }, 'must be { "hours": n }'],
    [{ cn: { caps: { CAP_US_CALLS_7D: { limit: 3 } } } }, 'the cn pack has no such cap'],
    [{ cn: { caps: { CAP_DAILY_TOTAL: { appliesTo: {} } } } }, 'cannot be overridden (limit and window can)'],
    [{ cn: { fraudCriticalCallsAnyHour: 'yes' } }, 'may only be set to false'],
    [{ cn: { marketingDays: { calendar: 'none' } } }, 'cannot be overridden'],
    [{ us: { marketingDays: { noPublicHoliday: true } } }, 'the us pack has no public-holiday calendar'],
    [{ cn: { description: 'mine' } }, 'cn.description: cannot be overridden'],
    [{ eu: {} }, 'eu: unknown pack'],
  ])('refuses %j, naming the field', (overrides, message) => {
    const problems = problemsOf({ POLICY_OVERRIDES: JSON.stringify(overrides) });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^POLICY_OVERRIDES /);
    expect(problems[0]).toContain(message);
  });

  it('refuses JSON that is not JSON', () => {
    expect(problemsOf({ POLICY_OVERRIDES: '{cn:' })).toEqual(['POLICY_OVERRIDES is not valid JSON']);
  });

  it('reads the country mapping, with * for everyone else', () => {
    expect(policyOf({ POLICY_COUNTRY_PACKS: 'US=us,PR=us,*=us' })).toMatchObject({
      countryPacks: { US: 'us', PR: 'us' },
      defaultPack: 'us',
    });
    expect(policyOf({ POLICY_COUNTRY_PACKS: 'US=us' }).defaultPack).toBe('cn');
  });

  it.each(['US:us', 'US=eu', 'usa=us'])('refuses the country mapping %s', (mapping) => {
    expect(problemsOf({ POLICY_COUNTRY_PACKS: mapping })[0]).toMatch(/^POLICY_COUNTRY_PACKS /);
  });
});
