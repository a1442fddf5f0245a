import { Operator } from '../../segments/segment-field.catalogue';
import { Locale } from '../../customers/customer.entity';

type Said = [en: string, zh: string];

/** The segment language's fields as a campaign manager names them (the API keeps the names). */
export const FIELD_LABELS: Record<string, Said> = {
  externalRef: ['Customer reference', '客户编号'],
  phone: ['Mobile number', '手机号'],
  email: ['E-mail address', '邮箱'],
  locale: ['Language', '语言'],
  timezone: ['Time zone', '时区'],
  country: ['Country', '国家/地区'],
  city: ['City', '城市'],
  cardStatus: ['Card status', '卡片状态'],
  currency: ['Currency', '币种'],
  creditLimit: ['Credit limit (cents)', '信用额度（分）'],
  statementBalance: ['Statement balance (cents)', '账单金额（分）'],
  minimumDue: ['Minimum due (cents)', '最低还款额（分）'],
  paidThisCycle: ['Paid this cycle (cents)', '本期已还（分）'],
  minimumDuePaid: ['Minimum due paid', '已还最低还款额'],
  statementDate: ['Statement date', '账单日'],
  dueDate: ['Due date', '到期还款日'],
  daysPastDue: ['Days past due', '逾期天数'],
  riskLevel: ['Risk level', '风险等级'],
  creditScore: ['Credit score', '信用评分'],
  freeTextRepliesLast30Days: ['Free-text replies, last 30 days', '近 30 天自由文本回复数'],
  complaintRepliesLast30Days: ['Complaint replies, last 30 days', '近 30 天投诉回复数'],
  unansweredCallsLast7Days: ['Unanswered calls, last 7 days', '近 7 天未接来电数'],
  bouncedPaymentsLast30Days: ['Bounced payments, last 30 days', '近 30 天退票还款笔数'],
  creditScoreDropLast30Days: ['Credit score drop, last 30 days', '近 30 天信用评分降幅'],
  cardIssuedOn: ['Card issued on', '发卡日期'],
  lastCardActivityAt: ['Last card activity', '最近用卡时间'],
  tags: ['Tags', '标签'],
  attributes: ['Attributes', '扩展属性'],
  muteUntil: ['No contact until', '免打扰截止'],
  marketingMuteUntil: ['No marketing until', '营销免打扰截止'],
  lastContactAt: ['Last contacted', '最近联络时间'],
  lastContactChannel: ['Last contact channel', '最近联络渠道'],
  lastContactPurpose: ['Last contact purpose', '最近联络目的'],
  lastContactOutcome: ['Last contact outcome', '最近联络结果'],
  lastRightPartyContactAt: ['Last spoke with the customer', '最近与本人通话时间'],
  promiseToPayOn: ['Promised to pay on', '承诺还款日'],
  promiseToPayAmount: ['Promised amount (cents)', '承诺还款金额（分）'],
  lastVerificationResult: ['Last identity check', '最近身份核实结果'],
  createdAt: ['Customer since', '建档时间'],
  daysUntilDue: ['Days until due', '距到期还款日天数'],
  daysSinceLastContact: ['Days since last contact', '距上次联络天数'],
  daysSinceCardIssued: ['Days since card issued', '发卡后天数'],
  daysSinceLastCardActivity: ['Days since last card activity', '距上次用卡天数'],
};

export const OPERATOR_LABELS: Record<Operator, Said> = {
  eq: ['is', '等于'],
  ne: ['is not', '不等于'],
  lt: ['is less than', '小于'],
  lte: ['is at most', '小于等于'],
  gt: ['is more than', '大于'],
  gte: ['is at least', '大于等于'],
  in: ['is one of', '属于'],
  notIn: ['is none of', '不属于'],
  between: ['is between', '介于'],
  exists: ['is set', '有值'],
  hasTag: ['has the tag', '有标签'],
  hasAnyTag: ['has any of the tags', '有任一标签'],
  hasAllTags: ['has all the tags', '有全部标签'],
  contains: ['contains', '包含'],
};

/** What the rule builder shows for a field's fixed values (pick lists), by field. */
const VALUE_LABELS: Record<string, Record<string, Said>> = {
  // Every yes/no field.
  $boolean: { true: ['yes', '是'], false: ['no', '否'] },
  cardStatus: {
    active: ['Active', '正常'],
    not_activated: ['Not activated', '未激活'],
    on_hold: ['On hold', '临时冻结'],
    blocked: ['Blocked', '已止付'],
  },
  riskLevel: { low: ['Low', '低'], medium: ['Medium', '中'], high: ['High', '高'] },
  locale: { 'zh-CN': ['Chinese', '中文'], en: ['English', '英文'] },
  lastContactChannel: { sms: ['SMS', '短信'], email: ['E-mail', '邮件'], call: ['Call', '电话'] },
  lastContactPurpose: {
    collections: ['Collections', '催收'],
    service: ['Service', '服务'],
    fraud: ['Fraud', '反欺诈'],
    marketing: ['Marketing', '营销'],
  },
};

/** The builder's labels in one language: fields, operators, and the values of pick lists. */
export function segmentLabels(locale: Locale) {
  const lang = locale === 'en' ? 0 : 1;
  const pick = (table: Record<string, Said>) => Object.fromEntries(Object.entries(table).map(([k, said]) => [k, said[lang]]));
  return {
    fields: pick(FIELD_LABELS),
    operators: pick(OPERATOR_LABELS),
    values: Object.fromEntries(Object.entries(VALUE_LABELS).map(([field, table]) => [field, pick(table)])),
  };
}
