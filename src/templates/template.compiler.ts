import { createHash } from 'node:crypto';
import Handlebars from 'handlebars';
import { Declarations, validateSection } from './template-ast.validator';
import { FieldSpec, fieldSpec } from './template-fields.catalogue';
import {
  ParsedTemplateFile,
  TemplateProblem,
  TemplateSection,
  listItems,
  objectionPairs,
  parseTemplateFile,
} from './template-file.parser';
import { RenderData, TEMPLATE_HELPERS } from './template.helpers';
import { TemplateHeader, VariantId } from './template.model';

/**
 * The one Handlebars instance templates run in: isolated from the package's global instance (no
 * helper or partial registered elsewhere leaks in), with Herald's helpers and nothing else.
 */
const handlebars = Handlebars.create();
// Built-ins templates may not use go too: each one registered costs every render a wrapper.
for (const name of ['log', 'lookup', 'with']) handlebars.unregisterHelper(name);
for (const [name, helper] of Object.entries(TEMPLATE_HELPERS)) handlebars.registerHelper(name, helper);
const KNOWN_HELPERS = Object.fromEntries(Object.keys(TEMPLATE_HELPERS).map((name) => [name, true]));

export type RenderFn = (context: object, data: RenderData) => string;

export interface VariableCheck {
  path: string;
  /** The path split once at load, so a render walks it without splitting. */
  parts: string[];
  spec: FieldSpec;
  required: boolean;
}

export type CompiledBody =
  | { channel: 'sms'; body: RenderFn }
  | { channel: 'email'; subject: RenderFn; html: RenderFn; text: RenderFn }
  | { channel: 'voice'; say: RenderFn; noInput?: RenderFn }
  | {
      channel: 'agent';
      greeting: RenderFn;
      verification: RenderFn[];
      message: RenderFn;
      objections: { objection: RenderFn; answer: RenderFn }[];
      dispositions: { code: string; label: RenderFn }[];
    };

/** A template file ready to render: validated, compiled once, identified by the hash of its content. */
export interface CompiledVariant extends VariantId {
  version: string;
  source: string;
  /** Where it came from, for messages: the file, or the stored version. */
  origin: string;
  header: TemplateHeader;
  /** Profile properties that must have a value (`dueDate`), checked before every render. */
  requiredProfile: string[];
  /** Declared message and Herald variables, checked for presence and kind before every render. */
  variables: VariableCheck[];
  compiled: CompiledBody;
}

/** The first 12 hex digits of the content's SHA-256: the version a campaign pins. */
export function templateVersion(source: string): string {
  return createHash('sha256').update(source, 'utf8').digest('hex').slice(0, 12);
}

/**
 * Parses, validates and compiles one template file. Any problem, with its line, makes the whole
 * file unusable: a template is either entirely right or not loaded.
 */
export function compileTemplate(
  source: string,
  id: VariantId,
  origin: string,
): { variant?: CompiledVariant; problems: TemplateProblem[] } {
  const parsed = parseTemplateFile(source);
  if (!parsed.file) return { problems: parsed.problems };
  const { header, headerLines, sections } = parsed.file;
  const problems = checkHeader(parsed.file, id);
  const declarations: Declarations = { required: new Set(header.fields), optional: new Set(header.optional) };
  const used = new Set<string>();
  const usedIn: Record<string, Set<string>> = {};
  const compile = (section: TemplateSection, html = false): RenderFn => {
    const own = (usedIn[section.name] ??= new Set());
    const render = compileText(section, declarations, own, problems, html);
    own.forEach((path) => used.add(path));
    return render;
  };
  const part = (name: string, html = false) => compile(sections.get(name)!, html);

  let compiled: CompiledBody | undefined;
  switch (header.channel) {
    case 'sms':
      compiled = { channel: 'sms', body: part('body') };
      break;
    case 'email':
      compiled = { channel: 'email', subject: part('subject'), html: part('html', true), text: part('text') };
      break;
    case 'voice':
      compiled = { channel: 'voice', say: part('say'), noInput: sections.has('no-input') ? part('no-input') : undefined };
      break;
    case 'agent':
      compiled = compileAgent(sections, compile, problems);
      break;
  }

  // A section that did not parse or validate used nothing: "never used" would only add noise.
  for (const key of problems.length ? [] : (['fields', 'optional'] as const)) {
    for (const path of header[key]) {
      if (!used.has(path)) {
        problems.push({ line: headerLines[key], message: `"${path}" is declared but never used` });
      }
    }
  }
  if (header.channel === 'email' && header.marketing) {
    for (const name of ['html', 'text']) {
      if (!usedIn[name]?.has('unsubscribe.url')) {
        problems.push({
          line: sections.get(name)!.line,
          message: `a marketing e-mail shows {{unsubscribe.url}} in its ${name} part`,
        });
      }
    }
  }
  if (problems.length) return { problems };

  const declared = [
    ...header.fields.map((path) => ({ path, required: true })),
    ...header.optional.map((path) => ({ path, required: false })),
  ];
  return {
    problems,
    variant: {
      ...id,
      version: templateVersion(source),
      source,
      origin,
      header,
      requiredProfile: header.fields.filter((path) => path.startsWith('customer.')).map((path) => path.slice('customer.'.length)),
      variables: declared
        .filter(({ path }) => !path.startsWith('customer.'))
        .map(({ path, required }) => ({ path, parts: path.split('.'), spec: fieldSpec(path)!, required })),
      compiled: compiled!,
    },
  };
}

function checkHeader({ header, headerLines }: ParsedTemplateFile, id: VariantId): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const key of ['locale', 'channel'] as const) {
    if (header[key] !== id[key]) {
      problems.push({ line: headerLines[key], message: `${key} is "${header[key]}" but the file name says "${id[key]}"` });
    }
  }
  if (header.purpose === 'marketing' && !header.marketing) {
    problems.push({ line: headerLines.marketing, message: 'a marketing-purpose template is marketing: yes' });
  }
  if ((header.purpose === 'fraud' || header.purpose === 'collections') && header.marketing) {
    problems.push({ line: headerLines.marketing, message: `${header.purpose} messages carry no marketing (marketing: no)` });
  }
  for (const key of ['fields', 'optional'] as const) {
    for (const path of header[key]) {
      const spec = fieldSpec(path);
      if (!spec) {
        const where = path.startsWith('customer.') ? 'the customer profile has no such field' : 'no such message variable';
        problems.push({ line: headerLines[key], message: `"${path}" is declared but ${where}` });
      } else if (path === 'unsubscribe.url' && !(header.channel === 'email' && header.marketing)) {
        problems.push({ line: headerLines[key], message: '"unsubscribe.url" is for marketing e-mail only' });
      } else if (key === 'optional' && header.fields.includes(path)) {
        problems.push({ line: headerLines[key], message: `"${path}" is declared both required and optional` });
      }
    }
  }
  return problems;
}

function compileAgent(
  sections: Map<string, TemplateSection>,
  compile: (section: TemplateSection) => RenderFn,
  problems: TemplateProblem[],
): CompiledBody {
  const item = (name: string, text: string, line: number) => compile({ name, text, line });
  const codes = new Set<string>();
  const dispositions = listItems(sections.get('dispositions')!, problems).flatMap(({ text, line }) => {
    const match = /^([a-z][a-z0-9_]*):\s*(.+)$/.exec(text);
    const problem = !match
      ? 'a disposition is "- code: label", the code in snake_case'
      : codes.has(match[1])
        ? `disposition ${match[1]} appears twice`
        : undefined;
    if (problem) {
      problems.push({ line, message: problem });
      return [];
    }
    codes.add(match![1]);
    return [{ code: match![1], label: item('dispositions', match![2], line) }];
  });
  return {
    channel: 'agent',
    greeting: compile(sections.get('greeting')!),
    verification: listItems(sections.get('verification')!, problems).map(({ text, line }) => item('verification', text, line)),
    message: compile(sections.get('message')!),
    objections: objectionPairs(sections.get('objections')!, problems).map(({ objection, answer }) => ({
      objection: item('objections', objection.text, objection.line),
      answer: item('objections', answer.text, answer.line),
    })),
    dispositions,
  };
}

function compileText(
  section: TemplateSection,
  declarations: Declarations,
  used: Set<string>,
  problems: TemplateProblem[],
  html: boolean,
): RenderFn {
  let program: hbs.AST.Program;
  try {
    program = handlebars.parse(section.text);
  } catch (error) {
    problems.push(syntaxProblem(error, section));
    return () => '';
  }
  const found = validateSection(program, declarations, section.line, used);
  problems.push(...found);
  if (found.length) return () => '';
  // Strict: a field missing from the data throws rather than rendering as nothing. Only HTML is
  // escaped; SMS, subjects, plain text and speech carry the characters as they are.
  const template = handlebars.compile<object>(program, {
    strict: true,
    knownHelpers: KNOWN_HELPERS,
    knownHelpersOnly: true,
    noEscape: !html,
  });
  return (context, data) => template(context, { data });
}

/** Handlebars' own messages, reduced to the line in the file and what was expected. */
function syntaxProblem(error: unknown, section: TemplateSection): TemplateProblem {
  const exception = error as { message?: string; lineNumber?: number };
  const message = String(exception.message ?? error);
  if (typeof exception.lineNumber === 'number') {
    const mismatch = /^(\S+) doesn't match (\S+)/.exec(message);
    return {
      line: section.line + exception.lineNumber - 1,
      message: mismatch ? `unbalanced block: {{#${mismatch[1]}}} opened here is closed by {{/${mismatch[2]}}}` : message,
    };
  }
  if (/got 'EOF'/.test(message)) {
    const unclosed = unclosedBlock(section.text);
    if (unclosed)
      return { line: section.line + unclosed.line - 1, message: `unbalanced block: {{#${unclosed.name}}} is never closed` };
  }
  const line = Number(/on line (\d+)/.exec(message)?.[1] ?? 1);
  const expected = message.split('\n').pop() ?? message;
  return { line: section.line + line - 1, message: `syntax error: ${expected}` };
}

/** The innermost block still open at the end of the text, found by pairing `{{#x}}` and `{{/x}}` tags. */
function unclosedBlock(text: string): { name: string; line: number } | undefined {
  const open: { name: string; line: number }[] = [];
  for (const tag of text.matchAll(/\{\{~?\s*([#/])\s*([^\s}~]+)/g)) {
    const line = text.slice(0, tag.index).split('\n').length;
    if (tag[1] === '#') open.push({ name: tag[2], line });
    else if (open.at(-1)?.name === tag[2]) open.pop();
  }
  return open.at(-1);
}
