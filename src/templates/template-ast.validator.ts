import type {} from 'handlebars';
import { FieldKind, FieldSpec, fieldSpec } from './template-fields.catalogue';
import { TemplateProblem } from './template-file.parser';
import { HELPER_PARAMS } from './template.helpers';

export interface Declarations {
  required: Set<string>;
  optional: Set<string>;
}

/** Values with a format of their own: shown raw they would read `123450` or `2025-11-21T06:32:00.000Z`. */
const FORMATTED_KINDS: Partial<Record<FieldKind, string>> = {
  money: '{{money amount currency}}',
  date: '{{date …}} or {{shortDate …}}',
  instant: '{{date …}}, {{time …}} or {{datetime …}}',
  list: '{{#each …}}',
};

const LOOP_DATA: Record<string, FieldKind> = { index: 'integer', first: 'string', last: 'string' };

type Scope = { list?: FieldSpec };
type Resolved = { path: string; kind: FieldKind; spec?: FieldSpec };

/**
 * Checks a parsed section against what its file declares, before anything is compiled: every
 * field it uses is a profile field or a message variable, declared in the header; an optional
 * field appears only inside `{{#if field}}` (or the `{{else}}` of `{{#unless field}}`); money,
 * dates and lists go through their helpers; output is always escaped (no `{{{…}}}`); only
 * Herald's helpers and `if`/`unless`/`each` blocks exist, no partials or decorators.
 * Returns the problems, with file lines, and adds the fields used to `used`.
 */
export function validateSection(
  program: hbs.AST.Program,
  declarations: Declarations,
  firstLine: number,
  used: Set<string>,
): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const at = (node: hbs.AST.Node) => node.loc.start.line + firstLine - 1;
  const problem = (node: hbs.AST.Node, message: string) => problems.push({ line: at(node), message });

  const resolve = (path: hbs.AST.PathExpression, scopes: Scope[], guards: Set<string>): Resolved | undefined => {
    if (path.data) {
      if (path.parts[0] === 'root' && path.parts.length > 1) return resolveRoot(path, path.parts.slice(1).join('.'), guards);
      if (path.parts.length === 1 && Object.hasOwn(LOOP_DATA, path.parts[0]) && scopes.length > 1) {
        return { path: path.original, kind: LOOP_DATA[path.parts[0]] };
      }
      problem(path, `"${path.original}" is not available here`);
      return undefined;
    }
    const scope = scopes[scopes.length - 1 - path.depth];
    if (!scope) {
      problem(path, `"${path.original}" climbs out of the template`);
      return undefined;
    }
    if (!scope.list) return resolveRoot(path, path.parts.join('.'), guards);
    const [name, ...rest] = path.parts;
    const kind = scope.list.items && Object.hasOwn(scope.list.items, name) ? scope.list.items[name] : undefined;
    if (!kind || rest.length) {
      problem(
        path,
        `"${path.original}" is not a field of ${scope.list.path} (${Object.keys(scope.list.items ?? {}).join(', ')})`,
      );
      return undefined;
    }
    return { path: `${scope.list.path}.${name}`, kind };
  };

  const resolveRoot = (node: hbs.AST.PathExpression, path: string, guards: Set<string>): Resolved | undefined => {
    const spec = fieldSpec(path);
    if (!spec) {
      problem(node, `"${path}" is neither a customer profile field nor a message variable`);
      return undefined;
    }
    if (!declarations.required.has(path) && !declarations.optional.has(path)) {
      problem(node, `"${path}" is used but not declared in the header (fields or optional)`);
    } else if (declarations.optional.has(path) && !guards.has(path)) {
      problem(node, `"${path}" is optional: use it only inside {{#if ${path}}}`);
    }
    used.add(path);
    return { path, kind: spec.kind, spec };
  };

  const checkParam = (
    param: hbs.AST.Expression,
    accepts: (FieldKind | 'number-literal')[],
    scopes: Scope[],
    guards: Set<string>,
  ) => {
    if (param.type === 'PathExpression') {
      const resolved = resolve(param as hbs.AST.PathExpression, scopes, guards);
      if (resolved && !accepts.includes(resolved.kind)) {
        problem(param, `"${resolved.path}" is ${resolved.kind}; expected ${accepts.join(' or ')}`);
      }
    } else if (param.type === 'NumberLiteral') {
      if (!accepts.includes('number-literal')) problem(param, `a number is not accepted here; expected ${accepts.join(' or ')}`);
    } else if (param.type === 'StringLiteral') {
      const value = (param as hbs.AST.StringLiteral).value;
      if (!accepts.includes('currency') || !/^[A-Z]{3}$/.test(value)) {
        problem(param, `a text literal is accepted only as a currency code; expected ${accepts.join(' or ')}`);
      }
    } else problem(param, `${param.type} is not accepted as a helper parameter`);
  };

  const mustache = (node: hbs.AST.MustacheStatement, scopes: Scope[], guards: Set<string>) => {
    if (!node.escaped) problem(node, 'unescaped output ({{{…}}} or {{&…}}) is not allowed');
    if (node.path.type !== 'PathExpression') return problem(node, 'only fields and helpers can be shown');
    const path = node.path as hbs.AST.PathExpression;
    // Own names only: `toString` or `constructor` are not helpers because every object has them.
    const helper = Object.hasOwn(HELPER_PARAMS, path.original) ? HELPER_PARAMS[path.original] : undefined;
    if (node.hash) problem(node, 'helpers take no name=value options');
    if (helper) {
      if (node.params.length !== helper.length) {
        return problem(node, `{{${path.original}}} takes ${helper.length} parameter${helper.length > 1 ? 's' : ''}`);
      }
      node.params.forEach((param, i) => checkParam(param, helper[i], scopes, guards));
      return;
    }
    if (node.params.length)
      return problem(node, `unknown helper "${path.original}" (known: ${Object.keys(HELPER_PARAMS).join(', ')})`);
    const resolved = resolve(path, scopes, guards);
    const formatted = resolved && FORMATTED_KINDS[resolved.kind];
    if (formatted) problem(node, `"${resolved.path}" is ${resolved.kind}: show it with ${formatted}`);
  };

  const block = (node: hbs.AST.BlockStatement, scopes: Scope[], guards: Set<string>) => {
    const name = node.path.original;
    if (!['if', 'unless', 'each'].includes(name)) {
      return problem(node, `unknown block "{{#${name}}}" (known: if, unless, each)`);
    }
    const param = node.params[0];
    if (node.params.length !== 1 || param.type !== 'PathExpression' || node.hash) {
      return problem(node, `{{#${name}}} takes exactly one field`);
    }
    // The guard is the field as written, so `{{#if customer.cardLast4}}` admits exactly that field.
    const tested = resolve(param as hbs.AST.PathExpression, scopes, new Set([...guards, pathOf(param, scopes)]));
    if (!tested) return;
    const guarded = new Set([...guards, tested.path]);
    if (name === 'each') {
      if (tested.kind !== 'list') return problem(node, `{{#each}} needs a list; "${tested.path}" is ${tested.kind}`);
      walk(node.program, [...scopes, { list: tested.spec }], guards);
      if (node.inverse) walk(node.inverse, scopes, guards);
      return;
    }
    walk(node.program, scopes, name === 'if' ? guarded : guards);
    if (node.inverse) walk(node.inverse, scopes, name === 'unless' ? guarded : guards);
  };

  const walk = (program: hbs.AST.Program, scopes: Scope[], guards: Set<string>) => {
    for (const statement of program.body) {
      switch (statement.type) {
        case 'ContentStatement':
        case 'CommentStatement':
          break;
        case 'MustacheStatement':
          mustache(statement as hbs.AST.MustacheStatement, scopes, guards);
          break;
        case 'BlockStatement':
          block(statement as hbs.AST.BlockStatement, scopes, guards);
          break;
        default:
          problem(statement, `${statement.type} is not allowed: templates are self-contained (no partials or decorators)`);
      }
    }
  };

  walk(program, [{}], new Set());
  return problems;
}

/** The field a block tests, as a guard: only root fields can be optional. */
function pathOf(param: hbs.AST.Expression, scopes: Scope[]): string {
  const path = param as hbs.AST.PathExpression;
  if (path.data && path.parts[0] === 'root') return path.parts.slice(1).join('.');
  return scopes.length - 1 - path.depth === 0 ? path.parts.join('.') : '';
}
