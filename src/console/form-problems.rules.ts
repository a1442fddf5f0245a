import { FieldProblem } from '../common/domain-error';
import { Locale } from '../customers/customer.entity';

/** Both languages at once, so no problem can be said in English and left unsaid in Chinese. */
type Said = [en: string, zh: string];

/** A problem with what a person typed, said for them: which field (its label) and what is wrong, in their language. */
export interface FormProblem {
  /** The field's path as the server names it (`callBackAt`, `rule.all.0.value`…): the page puts the message next to it. */
  field: string;
  label: string;
  message: string;
}

/** The form fields people see, by the name the server knows them by. */
const LABELS: Record<string, Said> = {
  name: ['Name', '名称'],
  description: ['Description', '描述'],
  rule: ['Rule', '规则'],
  purpose: ['Purpose', '目的'],
  channel: ['Channel', '渠道'],
  code: ['Outcome', '通话结果'],
  callBackAt: ['Call back at', '回电时间'],
  promise: ['Promise to pay', '承诺还款'],
  promiseDate: ['Promise date', '承诺还款日期'],
  promiseAmount: ['Promise amount', '承诺还款金额'],
  note: ['Note', '备注'],
  check: ['Identity checks', '身份核实'],
  identityVerified: ['Identity checks', '身份核实'],
  customer: ['Customer', '客户'],
  campaign: ['Campaign', '营销活动'],
  status: ['Status', '状态'],
  zone: ['Time zone', '时区'],
  from: ['From', '开始时间'],
  to: ['To', '结束时间'],
  at: ['At', '时间'],
  q: ['Search', '查找'],
  reason: ['Reason', '原因'],
  segmentId: ['Segment', '客群'],
  startsAt: ['Starts', '开始时间'],
  endsAt: ['Ends', '结束时间'],
  steps: ['Steps', '步骤'],
  templateKey: ['Template', '模板'],
  template: ['Template', '模板'],
  variables: ['Template variables', '模板变量'],
  locale: ['Language', '语言'],
  body: ['Form', '表单'],
};

const RULE_PARTS: Record<string, Said> = {
  field: ['field', '字段'],
  op: ['operator', '运算符'],
  value: ['value', '取值'],
};

/** `rule.all.0.value` → "Rule, condition 1, value": a place in the segment rule as the builder's rows show it. */
function rulePlace(path: string[]): Said {
  const rows = path.filter((part) => /^\d+$/.test(part)).map((n) => Number(n) + 1);
  const last = path[path.length - 1];
  const part = RULE_PARTS[last];
  const en = ['Rule', ...rows.map((n) => `condition ${n}`), ...(part ? [part[0]] : [])].join(', ');
  const zh = `规则${rows.map((n) => `第 ${n} 个条件`).join('中')}${part ? `的${part[1]}` : ''}`;
  return [en, zh];
}

function label(field: string): Said {
  const path = field.split('.');
  if (path[0] === 'rule' && path.length > 1) return rulePlace(path);
  const last = LABELS[path[path.length - 1]] ?? words(path[path.length - 1]);
  if (path.length === 1) return last;
  // `steps.0.channel` → "Steps, row 1: Channel"; `variables.product.name` → "Template variables: product name".
  const first = LABELS[path[0]] ?? words(path[0]);
  const rows = path.filter((part) => /^\d+$/.test(part)).map((n) => Number(n) + 1);
  const inner = path.slice(1).filter((part) => !/^\d+$/.test(part));
  const rest: Said = LABELS[inner[inner.length - 1]] && inner.length === 1 ? LABELS[inner[0]] : words(inner.join(' '));
  return [
    `${first[0]}${rows.map((n) => `, row ${n}`).join('')}: ${rest[0]}`,
    `${first[1]}${rows.map((n) => `第 ${n} 行`).join('')}：${rest[1]}`,
  ];
}

/** A name no form labels, in words, never as its code (`someField` → "some field"). */
function words(name: string): Said {
  const text = name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_.-]+/g, ' ')
    .toLowerCase();
  return [text.charAt(0).toUpperCase() + text.slice(1), text];
}

/** What the server says is wrong, as people say it: the first pattern that matches. */
const REASONS: [RegExp, (m: RegExpExecArray) => Said][] = [
  [
    /^must be a whole number from (-?\d+) to (-?\d+)/,
    (m) => [`must be a whole number from ${m[1]} to ${m[2]}`, `必须是 ${m[1]} 到 ${m[2]} 之间的整数`],
  ],
  [
    /^required with (call_back_at)/,
    () => ['is needed for a call back: pick a date and time', '选择“约定回电”时必须填写回电时间'],
  ],
  [/^required with (promise_to_pay)/, () => ['is needed for a promise to pay', '选择“承诺还款”时必须填写']],
  [/^required with (opt_out)/, () => ['is needed for an opt-out: pick the channel', '选择“退订”时必须选择渠道']],
  [/^required with /, () => ['goes only with another outcome', '与所选结果不符']],
  [/^must be after (\w+)$/, (m) => [`must be later than “${label(m[1])[0]}”`, `必须晚于“${label(m[1])[1]}”`]],
  [/^a call then is not allowed: (.+)$/, (m) => [`a call then is not allowed: ${m[1]}`, '按联络规则，该时间不允许外呼']],
  [/^(is required|must not be empty|should not be empty)/, () => ['is required', '必填']],
  [
    /^a promise needs both a date and an amount/,
    () => ['a promise needs both a date and an amount', '承诺还款需要同时填写日期和金额'],
  ],
  [/^is not a time in (.+)$/, (m) => [`is not a time in ${m[1]} (the clocks skip it)`, `在 ${m[1]} 不存在这个时间`]],
  [/^must be a local date and time/, () => ['must be a date and a time', '必须是日期和时间']],
  [/^must be a date/, () => ['must be a date', '必须是日期']],
  [/^must be an amount/, () => ['must be an amount like 1200 or 1200.50', '必须是金额，例如 1200 或 1200.50']],
  [/^must be one of /, () => ['choose one from the list', '请从列表中选择']],
  [/^(is not an IANA time zone|must be a valid IANA time-zone)/i, () => ['is not a time zone', '不是有效的时区']],
  [/^must be a UUID/, () => ['is not one of ours', '不是有效的编号']],
  [
    /^no customer has this/,
    () => ['no customer has this id, reference or phone number', '没有找到这个编号、客户编号或手机号对应的客户'],
  ],
  [/^is not a valid mobile number/, () => ['is not a mobile number', '不是有效的手机号']],
  [/^must be true with /, () => ['tick every identity check first', '请先完成全部身份核实']],
  [
    /^is not an outcome of this (\w+) call/,
    (m) => [`is not an outcome of this ${m[1]} call`, `不是本次${m[1] === 'fraud' ? '欺诈核实' : ''}通话可选的结果`],
  ],
  [
    /^(is not valid JSON|is not JSON)/,
    () => ['is not a rule the editor can read (check the brackets and quotes)', '规则格式有误（请检查括号和引号）'],
  ],
  [/^must be a \[low, high\] pair/, () => ['needs a low and a high value', '需要填写最小值和最大值']],
  [/^low must not be above high/, () => ['the low value is above the high one', '最小值大于最大值']],
  [/^must be a list/, () => ['needs one or more values', '需要一个或多个取值']],
  [/^must be true or false/, () => ['must be yes or no', '必须是“是”或“否”']],
  [/^must be a whole number of minor units/, () => ['must be an amount in cents (a whole number)', '必须是以分为单位的整数金额']],
  [/^must be an ISO 8601 instant/, () => ['must be a date and time with its offset', '必须是带时区偏移的日期时间']],
  [/^is not a rule key|^is not allowed beside|^must be an object/, () => ['is not part of a rule', '不是规则的一部分']],
  [/is not a segment field$/, () => ['is not a field a segment can use', '不是客群可用的字段']],
  [/^is not an operator|^\w+ accepts /, () => ['is not an operator for this field', '该字段不能使用这个运算符']],
  [
    /^is longer than (\d+) characters|^must be shorter than or equal to (\d+) characters/,
    (m) => [`is too long (at most ${m[1] ?? m[2]} characters)`, `太长了（最多 ${m[1] ?? m[2]} 个字符）`],
  ],
  [/^is not an accepted field/, () => ['is not part of this form', '不属于此表单']],
];

/**
 * The server's field problems (`{ field, reason }`, written for programs) as a person reads them
 * on the form: the field's label and what is wrong, in their language — never a code, a path or
 * an API field name. A reason no pattern knows is said as "is not valid".
 */
export function sayProblems(details: readonly FieldProblem[], locale: Locale): FormProblem[] {
  const lang = locale === 'en' ? 0 : 1;
  return details.map((detail) => {
    // Some refusals carry details of their own shape (a template's line): say what can be said.
    const field = String(detail.field ?? '');
    const reason = String(detail.reason ?? '');
    const said =
      REASONS.map(([pattern, say]) => {
        const match = pattern.exec(reason);
        return match ? say(match) : undefined;
      }).find((found) => found !== undefined) ?? (['is not valid', '无效'] as Said);
    return { field, label: label(field)[lang], message: said[lang] };
  });
}
