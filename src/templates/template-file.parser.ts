import { LOCALES, Locale } from '../customers/customer.entity';
import { TEMPLATE_CHANNELS, TEMPLATE_PURPOSES, TemplateChannel, TemplateHeader, TemplatePurpose } from './template.model';

/** Something wrong in a template file, at a line of that file. */
export interface TemplateProblem {
  line: number;
  message: string;
}

/** A named part of a template's body and the file line its text starts on. */
export interface TemplateSection {
  name: string;
  text: string;
  line: number;
}

export interface ParsedTemplateFile {
  header: TemplateHeader;
  /** Where each header entry is, so problems with a declared field point at its line. */
  headerLines: Record<string, number>;
  sections: Map<string, TemplateSection>;
}

/** The sections each channel's body is made of; an SMS is one text without markers. */
export const CHANNEL_SECTIONS: Record<TemplateChannel, string[]> = {
  sms: ['body'],
  email: ['subject', 'html', 'text'],
  voice: ['say', 'no-input'],
  agent: ['greeting', 'verification', 'message', 'objections', 'dispositions'],
};

const HEADER_KEYS = [
  'purpose',
  'channel',
  'locale',
  'marketing',
  'description',
  'fields',
  'optional',
  'gather-digits',
  'gather-timeout',
];
const REQUIRED_KEYS = ['purpose', 'channel', 'locale', 'marketing', 'description', 'fields'];
const FIELD_PATH = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;
const SECTION_MARKER = /^===\s*([a-z-]+)\s*===\s*$/;
const DEFAULT_GATHER_TIMEOUT = 6;

/**
 * Reads a template file: a front matter header between `---` lines (`name: value` entries), then
 * the body. Email, voice and agent bodies are split into sections by `=== name ===` lines.
 * Every problem found is reported with its line; the file is usable only when there are none.
 */
export function parseTemplateFile(source: string): { file?: ParsedTemplateFile; problems: TemplateProblem[] } {
  const lines = source.split('\n').map((line) => line.replace(/\r$/, ''));
  const problems: TemplateProblem[] = [];
  if (lines[0]?.trim() !== '---') {
    return { problems: [{ line: 1, message: 'a template starts with a front matter header between --- lines' }] };
  }
  const end = lines.indexOf('---', 1);
  if (end < 0) return { problems: [{ line: 1, message: 'the front matter header is never closed with ---' }] };

  const entries = new Map<string, { value: string; line: number }>();
  for (let i = 1; i < end; i++) {
    const text = lines[i].trim();
    if (!text || text.startsWith('#')) continue;
    const match = /^([a-z-]+):\s*(.*)$/.exec(text);
    if (!match) problems.push({ line: i + 1, message: `"${text}" is not a "name: value" header entry` });
    else if (!HEADER_KEYS.includes(match[1])) {
      problems.push({ line: i + 1, message: `unknown header entry "${match[1]}" (known: ${HEADER_KEYS.join(', ')})` });
    } else if (entries.has(match[1])) problems.push({ line: i + 1, message: `header entry "${match[1]}" appears twice` });
    else entries.set(match[1], { value: match[2].trim(), line: i + 1 });
  }
  for (const key of REQUIRED_KEYS) {
    if (!entries.has(key)) problems.push({ line: 1, message: `the header lacks "${key}"` });
  }
  const header = readHeader(entries, problems);
  const sections = header ? readSections(lines, end + 1, header, problems) : undefined;
  if (!header || !sections || problems.length) return { problems };
  const headerLines = Object.fromEntries([...entries].map(([key, entry]) => [key, entry.line]));
  return { file: { header, headerLines, sections }, problems };
}

function readHeader(
  entries: Map<string, { value: string; line: number }>,
  problems: TemplateProblem[],
): TemplateHeader | undefined {
  const before = problems.length;
  const oneOf = <T extends string>(key: string, allowed: readonly T[]): T => {
    const entry = entries.get(key);
    if (entry && !allowed.includes(entry.value as T)) {
      problems.push({ line: entry.line, message: `${key} must be one of ${allowed.join(', ')}, got "${entry.value}"` });
    }
    return entry?.value as T;
  };
  const list = (key: string): string[] => {
    const entry = entries.get(key);
    if (!entry) return [];
    const paths = entry.value
      .split(',')
      .map((path) => path.trim())
      .filter(Boolean);
    for (const path of paths) {
      if (!FIELD_PATH.test(path))
        problems.push({ line: entry.line, message: `"${path}" is not a field path like customer.dueDate` });
    }
    return paths;
  };
  const int = (key: string, min: number, max: number): number | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    const value = Number(entry.value);
    if (!/^\d+$/.test(entry.value) || value < min || value > max) {
      problems.push({ line: entry.line, message: `${key} must be a whole number from ${min} to ${max}` });
    }
    return value;
  };

  const channel = oneOf<TemplateChannel>('channel', TEMPLATE_CHANNELS);
  const header: TemplateHeader = {
    purpose: oneOf<TemplatePurpose>('purpose', TEMPLATE_PURPOSES),
    channel,
    locale: oneOf<Locale>('locale', LOCALES),
    marketing: oneOf('marketing', ['yes', 'no'] as const) === 'yes',
    description: entries.get('description')?.value ?? '',
    fields: list('fields'),
    optional: list('optional'),
  };
  const digits = int('gather-digits', 1, 20);
  const timeout = int('gather-timeout', 1, 60);
  if (digits !== undefined || timeout !== undefined) {
    const line = (entries.get('gather-digits') ?? entries.get('gather-timeout'))!.line;
    if (channel !== 'voice') problems.push({ line, message: 'gather-digits and gather-timeout are for voice templates' });
    else if (digits === undefined) problems.push({ line, message: 'gather-timeout needs gather-digits' });
    header.gatherDigits = digits;
    header.gatherTimeout = timeout ?? DEFAULT_GATHER_TIMEOUT;
  }
  if (entries.has('description') && !header.description) {
    problems.push({ line: entries.get('description')!.line, message: 'description is empty' });
  }
  return problems.length > before ? undefined : header;
}

function readSections(
  lines: string[],
  bodyStart: number,
  header: TemplateHeader,
  problems: TemplateProblem[],
): Map<string, TemplateSection> | undefined {
  const before = problems.length;
  const sections = new Map<string, TemplateSection>();
  const expected = expectedSections(header);
  if (header.channel === 'sms') {
    const marker = lines.findIndex((line, i) => i >= bodyStart && SECTION_MARKER.test(line));
    if (marker >= 0) problems.push({ line: marker + 1, message: 'an SMS template is one text, without === sections ===' });
    sections.set('body', section('body', lines, bodyStart, lines.length));
  } else {
    let current: { name: string; start: number } | undefined;
    const close = (end: number) => current && sections.set(current.name, section(current.name, lines, current.start, end));
    for (let i = bodyStart; i < lines.length; i++) {
      const marker = SECTION_MARKER.exec(lines[i]);
      if (!marker) {
        if (!current && lines[i].trim()) problems.push({ line: i + 1, message: 'text before the first === section ===' });
        continue;
      }
      close(i);
      const name = marker[1];
      if (!CHANNEL_SECTIONS[header.channel].includes(name) || !expected.includes(name)) {
        problems.push({
          line: i + 1,
          message: `a ${header.channel} template has no "${name}" section (expected: ${expected.join(', ')})`,
        });
      } else if (sections.has(name)) problems.push({ line: i + 1, message: `section "${name}" appears twice` });
      current = { name, start: i + 1 };
    }
    close(lines.length);
  }
  const lastLine = lines.findLastIndex((line) => line.trim()) + 1;
  for (const name of expected) {
    const found = sections.get(name);
    if (!found) problems.push({ line: lastLine, message: `the ${header.channel} template lacks its "${name}" section` });
    else if (!found.text) problems.push({ line: found.line, message: `section "${name}" is empty` });
  }
  return problems.length > before ? undefined : sections;
}

function expectedSections(header: TemplateHeader): string[] {
  if (header.channel === 'voice') return header.gatherDigits ? ['say', 'no-input'] : ['say'];
  return CHANNEL_SECTIONS[header.channel];
}

/** A section's text without its surrounding blank lines, and the line its first text is on. */
function section(name: string, lines: string[], start: number, end: number): TemplateSection {
  let first = start;
  while (first < end && !lines[first].trim()) first++;
  return { name, text: lines.slice(first, end).join('\n').trimEnd(), line: first + 1 };
}

export interface ListItem {
  text: string;
  line: number;
}

/** An agent list section: one `- item` per line (verification steps, `- code: label` dispositions). */
export function listItems(section: TemplateSection, problems: TemplateProblem[]): ListItem[] {
  const items: ListItem[] = [];
  section.text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const item = /^\s*-\s+(.*)$/.exec(line);
    if (item) items.push({ text: item[1].trim(), line: section.line + i });
    else problems.push({ line: section.line + i, message: `each line of "${section.name}" is an item starting with "- "` });
  });
  return items;
}

/** The objections section: `Q: what the customer says` then `A: what the agent answers`, one line each. */
export function objectionPairs(
  section: TemplateSection,
  problems: TemplateProblem[],
): { objection: ListItem; answer: ListItem }[] {
  const pairs: { objection: ListItem; answer: ListItem }[] = [];
  let open: ListItem | undefined;
  section.text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const match = /^\s*([QA]):\s*(.*)$/.exec(line);
    const at = section.line + i;
    if (!match)
      problems.push({ line: at, message: 'each line of "objections" starts with "Q:" (the objection) or "A:" (the answer)' });
    else if (match[1] === 'Q') {
      if (open) problems.push({ line: open.line, message: 'this objection has no "A:" answer' });
      open = { text: match[2].trim(), line: at };
    } else if (!open) problems.push({ line: at, message: 'an "A:" answer without its "Q:" objection' });
    else {
      pairs.push({ objection: open, answer: { text: match[2].trim(), line: at } });
      open = undefined;
    }
  });
  if (open) problems.push({ line: open.line, message: 'this objection has no "A:" answer' });
  return pairs;
}
