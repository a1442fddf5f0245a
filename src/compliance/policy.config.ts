import { EnvReader } from '../config/env-reader';
import { Channel, CHANNELS, Purpose, PURPOSES } from './policy.types';
import { CapCode, CapWindow, DEFAULT_PACKS, PACK_NAMES, PackName, parseContactHours, RulePackConfig } from './rule-pack';

export interface PolicyConfig {
  /** The effective packs: the defaults with the deployment's tightenings applied. */
  packs: Record<PackName, RulePackConfig>;
  /** Country (ISO alpha-2) → pack; every other country gets `defaultPack`. */
  countryPacks: Record<string, PackName>;
  defaultPack: PackName;
}

export function readPolicyConfig(read: EnvReader): PolicyConfig {
  const packs = structuredClone(DEFAULT_PACKS);
  const overrides = read.string('POLICY_OVERRIDES', { optional: true });
  if (overrides !== undefined) {
    const problems = tighten(packs, overrides);
    if (problems.length) read.reject('POLICY_OVERRIDES', problems.join('; '));
  }
  const mapping = read.string('POLICY_COUNTRY_PACKS', { default: 'US=us,*=cn' })!;
  const parsed = parseCountryPacks(mapping);
  if (typeof parsed === 'string') read.reject('POLICY_COUNTRY_PACKS', parsed);
  const { countryPacks, defaultPack } = typeof parsed === 'string' ? { countryPacks: {}, defaultPack: 'cn' as const } : parsed;
  return { packs, countryPacks, defaultPack };
}

/** `US=us,PR=us,*=cn`: a country per entry, `*` for every other one (cn when absent). */
function parseCountryPacks(text: string): Pick<PolicyConfig, 'countryPacks' | 'defaultPack'> | string {
  const countryPacks: Record<string, PackName> = {};
  let defaultPack: PackName = 'cn';
  for (const entry of text.split(',').map((e) => e.trim())) {
    const match = /^([A-Z]{2}|\*)=([a-z]+)$/.exec(entry);
    if (!match) return `must be COUNTRY=pack entries separated by commas (e.g. US=us,*=cn), got "${entry}"`;
    if (!PACK_NAMES.includes(match[2] as PackName))
      return `names an unknown pack "${match[2]}" (known: ${PACK_NAMES.join(', ')})`;
    if (match[1] === '*') defaultPack = match[2] as PackName;
    else countryPacks[match[1]] = match[2] as PackName;
  }
  return { countryPacks, defaultPack };
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Applies POLICY_OVERRIDES to `packs` in place and returns what is wrong with it. A deployment
 * may only tighten: narrower hours, lower limits, longer windows, more days off — never the reverse.
 */
function tighten(packs: Record<PackName, RulePackConfig>, text: string): string[] {
  let overrides: unknown;
  try {
    overrides = JSON.parse(text);
  } catch {
    return ['is not valid JSON'];
  }
  if (!isObject(overrides)) return ['must be a JSON object keyed by pack (cn, us)'];
  const problems: string[] = [];
  for (const [name, override] of Object.entries(overrides)) {
    if (!PACK_NAMES.includes(name as PackName)) problems.push(`${name}: unknown pack (known: ${PACK_NAMES.join(', ')})`);
    else if (!isObject(override)) problems.push(`${name}: must be an object`);
    else tightenPack(packs[name as PackName], override, name, problems);
  }
  return problems;
}

function tightenPack(pack: RulePackConfig, override: Json, path: string, problems: string[]): void {
  for (const [key, value] of Object.entries(override)) {
    const at = `${path}.${key}`;
    if (key === 'contactHours') tightenHours(pack, value, at, problems);
    else if (key === 'caps') tightenCaps(pack, value, at, problems);
    else if (key === 'marketingDays') tightenMarketingDays(pack, value, at, problems);
    else if (key === 'fraudCriticalCallsAnyHour') {
      if (value === false) pack.fraudCriticalCallsAnyHour = false;
      else if (value !== pack.fraudCriticalCallsAnyHour) problems.push(`${at}: may only be set to false`);
    } else problems.push(`${at}: cannot be overridden (contactHours, caps, marketingDays, fraudCriticalCallsAnyHour can)`);
  }
}

function tightenHours(pack: RulePackConfig, value: unknown, path: string, problems: string[]): void {
  if (!isObject(value)) return void problems.push(`${path}: must be an object keyed by purpose`);
  for (const [purpose, channels] of Object.entries(value)) {
    if (!PURPOSES.includes(purpose as Purpose)) {
      problems.push(`${path}.${purpose}: unknown purpose`);
      continue;
    }
    if (!isObject(channels)) {
      problems.push(`${path}.${purpose}: must be an object keyed by channel`);
      continue;
    }
    for (const [channel, hours] of Object.entries(channels)) {
      const at = `${path}.${purpose}.${channel}`;
      if (!CHANNELS.includes(channel as Channel)) {
        problems.push(`${at}: unknown channel`);
        continue;
      }
      const current = pack.contactHours[purpose as Purpose][channel as Channel];
      const parsed = typeof hours === 'string' ? parseContactHours(hours) : undefined;
      if (hours === 'any' && current === 'any') continue;
      if (!parsed) {
        problems.push(`${at}: must be "HH:mm-HH:mm" with start before end${current === 'any' ? ' or "any"' : ''}`);
        continue;
      }
      const bounds = current === 'any' ? undefined : parseContactHours(current)!;
      if (bounds && (parsed[0] < bounds[0] || parsed[1] > bounds[1])) {
        problems.push(`${at}: ${hours} is wider than ${current}; hours may only narrow`);
        continue;
      }
      pack.contactHours[purpose as Purpose][channel as Channel] = hours as string;
    }
  }
}

function tightenCaps(pack: RulePackConfig, value: unknown, path: string, problems: string[]): void {
  if (!isObject(value)) return void problems.push(`${path}: must be an object keyed by cap code`);
  for (const [code, change] of Object.entries(value)) {
    const at = `${path}.${code}`;
    const cap = pack.caps[code as CapCode];
    if (!cap) {
      problems.push(`${at}: the ${pack.name} pack has no such cap (it has ${Object.keys(pack.caps).join(', ')})`);
      continue;
    }
    if (!isObject(change)) {
      problems.push(`${at}: must be an object with limit and/or window`);
      continue;
    }
    for (const [key, setting] of Object.entries(change)) {
      if (key === 'limit') {
        if (!Number.isInteger(setting) || (setting as number) < 1 || (setting as number) > cap.limit) {
          problems.push(`${at}.limit: must be a whole number from 1 to ${cap.limit}; limits may only go down`);
        } else cap.limit = setting as number;
      } else if (key === 'window') {
        const window = tighterWindow(cap.window, setting);
        if (typeof window === 'string') problems.push(`${at}.window: ${window}`);
        else cap.window = window;
      } else problems.push(`${at}.${key}: cannot be overridden (limit and window can)`);
    }
  }
}

function tighterWindow(current: CapWindow, setting: unknown): CapWindow | string {
  const unit = 'hours' in current ? 'hours' : 'localDays';
  const now = 'hours' in current ? current.hours : current.localDays;
  const keys = isObject(setting) ? Object.keys(setting) : [];
  const value = isObject(setting) ? setting[unit] : undefined;
  if (keys.length !== 1 || !Number.isInteger(value)) return `must be { "${unit}": n } like the default`;
  if ((value as number) < now || (value as number) > 366 * (unit === 'hours' ? 24 : 1)) {
    return `${unit} must be from ${now} (the current window) to a year; windows may only grow`;
  }
  return { [unit]: value } as CapWindow;
}

function tightenMarketingDays(pack: RulePackConfig, value: unknown, path: string, problems: string[]): void {
  if (!isObject(value)) return void problems.push(`${path}: must be an object`);
  for (const [key, setting] of Object.entries(value)) {
    const at = `${path}.${key}`;
    if (key !== 'noWeekend' && key !== 'noPublicHoliday') {
      problems.push(`${at}: cannot be overridden (noWeekend and noPublicHoliday can)`);
    } else if (setting !== true && setting !== pack.marketingDays[key]) {
      problems.push(`${at}: may only be set to true`);
    } else if (key === 'noPublicHoliday' && setting && pack.marketingDays.calendar === 'none') {
      problems.push(`${at}: the ${pack.name} pack has no public-holiday calendar`);
    } else {
      pack.marketingDays[key] = setting as boolean;
    }
  }
}
