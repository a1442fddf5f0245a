import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LOCALES, Locale } from '../customers/customer.entity';
import { CompiledVariant, compileTemplate } from './template.compiler';
import { LocatedProblem, TemplateLibraryError } from './template.errors';
import { TEMPLATE_CHANNELS, TemplateChannel } from './template.model';

const KEY = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const FILE = new RegExp(`^(${LOCALES.join('|')})\\.(${TEMPLATE_CHANNELS.join('|')})\\.hbs$`);

/**
 * Loads the library from `<dir>/<key>/<locale>.<channel>.hbs`, all or nothing: any problem in any
 * file (or a key missing a locale) throws one error listing every file and line at fault.
 */
export function loadTemplateDirectory(dir: string): CompiledVariant[] {
  const problems: LocatedProblem[] = [];
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new TemplateLibraryError([{ file: dir, line: 0, message: 'the templates directory does not exist (TEMPLATES_DIR)' }]);
  }
  const variants: CompiledVariant[] = [];
  for (const key of readdirSync(dir)
    .filter((name) => !name.startsWith('.'))
    .sort()) {
    const keyDir = join(dir, key);
    if (!statSync(keyDir).isDirectory() || !KEY.test(key)) {
      problems.push({ file: keyDir, line: 0, message: 'expected a directory named like a template key (kebab-case)' });
      continue;
    }
    for (const name of readdirSync(keyDir)
      .filter((entry) => !entry.startsWith('.'))
      .sort()) {
      const file = join(keyDir, name);
      const match = FILE.exec(name);
      if (!match) {
        problems.push({
          file,
          line: 0,
          message: `expected <locale>.<channel>.hbs (locales ${LOCALES.join(', ')}; channels ${TEMPLATE_CHANNELS.join(', ')})`,
        });
        continue;
      }
      const id = { key, locale: match[1] as Locale, channel: match[2] as TemplateChannel };
      const compiled = compileTemplate(readFileSync(file, 'utf8'), id, file);
      problems.push(...compiled.problems.map((problem) => ({ file, ...problem })));
      if (compiled.variant) variants.push(compiled.variant);
    }
  }
  if (!variants.length && !problems.length) problems.push({ file: dir, line: 0, message: 'no templates found' });
  problems.push(...consistencyProblems(variants));
  if (problems.length) throw new TemplateLibraryError(problems);
  return variants;
}

/**
 * What must agree between the files of one key: every channel in every locale; one purpose and
 * one marketing flag; per channel the same declared fields (campaigns check them once for all
 * locales), the same gathered digits and the same disposition codes (the agent module records them).
 */
function consistencyProblems(variants: CompiledVariant[]): LocatedProblem[] {
  const problems: LocatedProblem[] = [];
  const byKey = new Map<string, CompiledVariant[]>();
  for (const variant of variants) byKey.set(variant.key, [...(byKey.get(variant.key) ?? []), variant]);
  for (const [key, group] of byKey) {
    const [first] = group;
    for (const variant of group) {
      const differs = (what: string) =>
        problems.push({ file: variant.origin, line: 1, message: `${what} differs from ${first.origin}` });
      if (variant.header.purpose !== first.header.purpose) differs('purpose');
      if (variant.header.marketing !== first.header.marketing) differs('marketing');
    }
    for (const channel of new Set(group.map((variant) => variant.channel))) {
      const inChannel = group.filter((variant) => variant.channel === channel);
      for (const locale of LOCALES) {
        if (!inChannel.some((variant) => variant.locale === locale)) {
          problems.push({ file: inChannel[0].origin, line: 0, message: `template ${key} has no ${locale} ${channel} variant` });
        }
      }
      const [reference] = inChannel;
      for (const variant of inChannel.slice(1)) {
        const differs = (what: string) =>
          problems.push({ file: variant.origin, line: 1, message: `${what} differs from ${reference.origin}` });
        if (signature(variant.header.fields) !== signature(reference.header.fields)) differs('fields');
        if (signature(variant.header.optional) !== signature(reference.header.optional)) differs('optional');
        if (variant.header.gatherDigits !== reference.header.gatherDigits) differs('gather-digits');
        if (dispositionCodes(variant) !== dispositionCodes(reference)) differs('the disposition codes');
      }
    }
  }
  return problems;
}

const signature = (paths: string[]) => [...paths].sort().join(',');

function dispositionCodes(variant: CompiledVariant): string {
  return variant.compiled.channel === 'agent' ? variant.compiled.dispositions.map((d) => d.code).join(',') : '';
}
