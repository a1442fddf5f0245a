import { FieldProblem } from '../../common/domain-error';
import { Locale } from '../../customers/customer.entity';

/** Both languages at once, so no problem can be said in English and left unsaid in Chinese. */
type Said = [en: string, zh: string];

/** A refused cell (or row, or header) said for the person who must fix the file. */
export interface SaidRejection {
  /** The column as the file names it (shown as code: it is what they will look for in the file). */
  column: string;
  label: string;
  message: string;
  /** Values quoted from the rule or the file (allowed codes, an example), shown as code. */
  quoted?: string;
}

/** The import's columns (src/customers/customer-row.validator.ts), and `row`, `header`, `body` for the file's own problems. */
const COLUMNS: Record<string, Said> = {
  external_ref: ['Reference', '客户编号'],
  full_name: ['Name', '姓名'],
  country: ['Country', '国家/地区'],
  phone: ['Phone', '手机号'],
  email: ['E-mail', '邮箱'],
  locale: ['Language', '语言'],
  timezone: ['Time zone', '时区'],
  city: ['City', '城市'],
  card_last4: ['Card’s last four', '卡号后四位'],
  card_status: ['Card status', '卡片状态'],
  currency: ['Currency', '币种'],
  credit_limit: ['Credit limit', '信用额度'],
  statement_balance: ['Statement balance', '账单金额'],
  minimum_due: ['Minimum due', '最低还款额'],
  paid_this_cycle: ['Paid this cycle', '本期已还'],
  statement_date: ['Statement date', '账单日'],
  due_date: ['Due date', '到期还款日'],
  days_past_due: ['Days past due', '逾期天数'],
  risk_level: ['Risk level', '风险等级'],
  credit_score: ['Credit score', '信用评分'],
  card_issued_on: ['Card issued on', '发卡日期'],
  last_card_activity_at: ['Last card activity', '最近用卡时间'],
  tags: ['Tags', '标签'],
  attributes: ['Attributes', '其他属性'],
  consent_sms: ['SMS consent', '短信授权'],
  consent_email: ['E-mail consent', '邮件授权'],
  consent_call: ['Call consent', '电话授权'],
  row: ['The whole row', '整行'],
  header: ['Header row', '表头'],
  body: ['File', '文件'],
};

/**
 * The reasons the import's validator and reader give (their English sentences), each with its
 * Chinese; `$1`… are the sentence's own values. A value quoted from the rule or the file goes
 * apart (`quoted`), shown as code.
 */
const REASONS: { pattern: RegExp; said: Said; quoted?: string }[] = [
  { pattern: /^is required$/, said: ['is required', '必填'] },
  { pattern: /^must not be empty$/, said: ['must not be empty', '不能为空'] },
  {
    pattern: /^is required when country is not CN$/,
    said: ['is required when the country is not CN', '国家/地区不是 CN 时必填'],
  },
  { pattern: /^must be a string$/, said: ['must be text', '必须是文本'] },
  { pattern: /^must be at most (\d+) characters$/, said: ['must be at most $1 characters', '最多 $1 个字符'] },
  {
    pattern: /^must be at most (\d+) characters of JSON$/,
    said: ['must be at most $1 characters of JSON', 'JSON 最多 $1 个字符'],
  },
  { pattern: /^must not contain (control|NUL) characters$/, said: ['must not contain control characters', '不能包含控制字符'] },
  { pattern: /^must be one of (.+)$/, said: ['must be one of', '必须是以下之一'], quoted: '$1' },
  { pattern: /^must be a whole number$/, said: ['must be a whole number', '必须是整数'] },
  {
    pattern: /^must be a whole number of minor units/,
    said: ['must be a whole number of fen (or cents)', '必须是以分为单位的整数'],
  },
  { pattern: /^must be between (-?\d+) and (-?\d+)$/, said: ['must be between $1 and $2', '必须在 $1 到 $2 之间'] },
  {
    pattern: /^must be printable ASCII without spaces$/,
    said: ['may hold only letters, digits and signs, no spaces', '只能包含字母、数字和符号，不能有空格'],
  },
  { pattern: /^is not an e-mail address$/, said: ['is not an e-mail address', '不是有效的邮箱地址'] },
  {
    pattern: /^must be an ISO 3166 alpha-2 country code$/,
    said: ['must be a two-letter country code, such as', '必须是两位国家/地区代码，例如'],
    quoted: 'CN',
  },
  {
    pattern: /^must be an ISO 4217 currency code$/,
    said: ['must be a currency code, such as', '必须是币种代码，例如'],
    quoted: 'CNY',
  },
  { pattern: /^must be an IANA time zone/, said: ['must be a time zone, such as', '必须是时区，例如'], quoted: 'Asia/Shanghai' },
  { pattern: /^must be a calendar date/, said: ['must be a date written as', '必须是日期，格式为'], quoted: 'YYYY-MM-DD' },
  {
    pattern: /^must be an ISO 8601 instant/,
    said: ['must be a date and time with its offset, such as', '必须是带时区偏移的日期时间，例如'],
    quoted: '2025-03-01T09:30:00+08:00',
  },
  { pattern: /^must be tags separated by \|$/, said: ['must be tags separated by', '标签之间须用此符号分隔'], quoted: '|' },
  { pattern: /^must have at most (\d+) tags$/, said: ['must have at most $1 tags', '最多 $1 个标签'] },
  {
    pattern: /^has an invalid tag [^:]*: (.*)$/,
    said: ['has a tag that is not letters, digits and _ . : - (up to 40)', '含有无效标签（只能是字母、数字和 _ . : -，最长 40）'],
    quoted: '$1',
  },
  { pattern: /^must be a JSON object$/, said: ['must be a JSON object', '必须是 JSON 对象'] },
  { pattern: /^is not valid JSON$/, said: ['is not valid JSON', '不是有效的 JSON'] },
  { pattern: /^must be 4 digits$/, said: ['must be 4 digits', '必须是 4 位数字'] },
  {
    pattern: /^is not a valid mobile number \(read in (\w+) unless it starts with \+\)$/,
    said: [
      'is not a valid mobile number (read as a $1 number unless it starts with +)',
      '不是有效的手机号码（不以 + 开头时按 $1 号码读取）',
    ],
  },
  { pattern: /^is not a valid mobile number$/, said: ['is not a valid mobile number', '不是有效的手机号码'] },
  {
    pattern: /^has (\d+) fields; the header has (\d+)$/,
    said: ['has $1 fields; the header has $2', '有 $1 个字段，表头有 $2 个'],
  },
  { pattern: /^is not a known column$/, said: ['is not a column Herald knows', '不是可识别的列'] },
  { pattern: /^appears twice in the header$/, said: ['appears twice in the header', '在表头中出现了两次'] },
  { pattern: /^is a required column$/, said: ['is a column the file must have', '是文件必须包含的列'] },
  { pattern: /^is missing: the file is empty$/, said: ['is missing: the file is empty', '缺失：文件是空的'] },
  { pattern: /^must be UTF-8 text$/, said: ['must be UTF-8 text', '必须是 UTF-8 编码的文本'] },
];

/** For a reason the table does not know yet: still a sentence in the reader's language, never the API's. */
const UNKNOWN: Said = ['is not accepted', '取值不被接受'];

const fill = (template: string, match: RegExpMatchArray) => template.replace(/\$(\d)/g, (_, n: string) => match[Number(n)]);

/** A rejection (`field`, `reason` as the import stored them) in the reader's language. */
export function sayRejection(problem: FieldProblem, locale: Locale): SaidRejection {
  const index = locale === 'zh-CN' ? 1 : 0;
  const column = problem.field;
  const label = COLUMNS[column]?.[index] ?? (index ? '未知列' : 'Unknown column');
  for (const { pattern, said, quoted } of REASONS) {
    const match = pattern.exec(problem.reason);
    if (match) return { column, label, message: fill(said[index], match), ...(quoted ? { quoted: fill(quoted, match) } : {}) };
  }
  return { column, label, message: UNKNOWN[index] };
}
