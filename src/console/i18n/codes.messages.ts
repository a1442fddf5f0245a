import { CONSENT_SCOPES, CONSENT_SOURCES, ConsentScope, ConsentSource } from '../../compliance/consent-event.entity';
import { Channel, ConsentValue, Purpose } from '../../compliance/policy.types';
import { TaskStatus } from '../../dispatch/contact-task.entity';
import { CapCode } from '../../compliance/rule-pack';
import { CARD_STATUSES, CardStatus, Locale, RISK_LEVELS, RiskLevel } from '../../customers/customer.entity';
import { FRAUD_CASE_STATUSES, FraudCaseStatus } from '../../flows/fraud/fraud-case.model';
import {
  WORK_ORDER_KINDS,
  WORK_ORDER_STATUSES,
  WorkOrderKind,
  WorkOrderOutcome,
  WorkOrderStatus,
} from '../../work-orders/work-order.rules';
import { SEVERITIES, Severity } from '../../alerts/alert-rule.rules';
import { ImportMode, ImportStatus } from '../../customers/import/customer-import.entity';
import { DueNotification } from '../../work-orders/staff-notifications.repository';
import { Messages } from './messages';

const DESK_KINDS = {
  fraud_verification: ['Fraud verification call', '欺诈核实外呼'],
  fraud_confirmed: ['Confirmed fraud: next steps', '确认欺诈后续处理'],
  call_back: ['Call back', '约定回电'],
  'collections-dpd-31': ['Collections call (31+ days past due)', '催收外呼（逾期 31 天以上）'],
  'collections-dpd-61': ['Collections call (61+ days past due)', '催收外呼（逾期 61 天以上）'],
  'collections-dpd-91': ['Collections call (91+ days past due)', '催收外呼（逾期 91 天以上）'],
} satisfies Record<string, Said>;

/** Both languages side by side: a code cannot get an English label and lack the Chinese one. */
type Said = [en: string, zh: string];

/**
 * Labels for the codes people see on the console's pages (statuses, kinds, sources…), by
 * vocabulary. Each table is typed by its vocabulary's own list, so a new value without a label
 * does not compile; the view helper `code` reads them as `code.<vocabulary>.<value>`.
 */
const VOCABULARIES = {
  cardStatus: {
    active: ['Active', '正常'],
    not_activated: ['Not activated', '未激活'],
    on_hold: ['On hold', '临时冻结'],
    blocked: ['Blocked', '已止付'],
  } satisfies Record<CardStatus, Said>,
  riskLevel: { low: ['Low', '低'], medium: ['Medium', '中'], high: ['High', '高'] } satisfies Record<RiskLevel, Said>,
  fraudStatus: {
    open: ['Waiting for the customer', '等待客户确认'],
    confirmed_genuine: ['Confirmed genuine', '客户确认本人交易'],
    confirmed_fraud: ['Confirmed fraud', '确认欺诈'],
    escalated_ivr: ['Escalated to an IVR call', '已升级为语音外呼'],
    escalated_agent: ['Escalated to an agent', '已转人工'],
    closed: ['Closed', '已关闭'],
  } satisfies Record<FraudCaseStatus, Said>,
  consentState: { granted: ['granted', '已同意'], revoked: ['revoked', '已撤回'] } satisfies Record<ConsentValue, Said>,
  consentScope: { all: ['all contact', '全部联络'], marketing: ['marketing', '营销'] } satisfies Record<ConsentScope, Said>,
  consentSource: {
    sms_keyword: ['SMS reply keyword', '短信回复关键词'],
    agent: ['recorded by an agent', '坐席记录'],
    email_one_click: ['unsubscribe link', '邮件退订链接'],
    api: ['core system (API)', '核心系统（API）'],
    import: ['import', '批量导入'],
    provider: ['carrier (STOP)', '运营商（退订）'],
  } satisfies Record<ConsentSource, Said>,
  woStatus: {
    open: ['Open', '待处理'],
    in_progress: ['In progress', '处理中'],
    waiting_on_customer: ['Waiting on the customer', '等待客户'],
    resolved: ['Resolved', '已解决'],
    cancelled: ['Cancelled', '已取消'],
  } satisfies Record<WorkOrderStatus, Said>,
  /** The agent desk's calls (work orders on its queue). */
  taskKind: DESK_KINDS,
  woKind: {
    alert: ['Risk alert', '风险预警'],
    inbound_reply: ['Customer reply', '客户回复'],
    complaint: ['Complaint', '投诉'],
    ...DESK_KINDS,
  } satisfies Record<WorkOrderKind, Said>,
  severity: {
    low: ['Low', '低'],
    medium: ['Medium', '中'],
    high: ['High', '高'],
    critical: ['Critical', '紧急'],
  } satisfies Record<Severity, Said>,
  channel: { sms: ['SMS', '短信'], email: ['E-mail', '邮件'], call: ['Call', '电话'] } satisfies Record<Channel, Said>,
  purpose: {
    collections: ['Collections', '催收'],
    service: ['Service', '服务'],
    fraud: ['Fraud', '反欺诈'],
    marketing: ['Marketing', '营销'],
  } satisfies Record<Purpose, Said>,
  taskStatus: {
    pending: ['Waiting', '等待中'],
    claimed: ['Being prepared', '准备中'],
    sending: ['Sending', '发送中'],
    sent: ['Sent', '已发送'],
    failed: ['Failed', '失败'],
    suppressed: ['Suppressed', '已拦截'],
    expired: ['Expired', '已过期'],
    cancelled: ['Cancelled', '已取消'],
    skipped: ['Skipped', '已跳过'],
    unknown: ['Outcome unknown', '结果未知'],
  } satisfies Record<TaskStatus, Said>,
  locale: { 'zh-CN': ['Chinese', '中文'], en: ['English', '英文'] } satisfies Record<Locale, Said>,
  sendStatus: {
    pending: ['Accepted, waiting', '已受理，等待发送'],
    queued: ['Queued', '排队中'],
    sent: ['Sent', '已发送'],
    delivered: ['Delivered', '已送达'],
    ringing: ['Ringing', '振铃中'],
    in_progress: ['In progress', '通话中'],
    completed: ['Completed', '已完成'],
    failed: ['Failed', '失败'],
  } satisfies Record<string, Said>,
  cap: {
    CAP_DAILY_TOTAL: ['Contacts per local day', '每自然日联络次数'],
    CAP_MARKETING_CALL_30D: ['Marketing calls in 30 days', '30 天内营销电话'],
    CAP_MARKETING_SMS_7D: ['Marketing SMS in 7 days', '7 天内营销短信'],
    CAP_MARKETING_EMAIL_7D: ['Marketing e-mails in 7 days', '7 天内营销邮件'],
    CAP_CN_CONNECTED_CALLS_DAY: ['Connected collection calls per day', '每日接通的催收电话'],
    CAP_US_CALLS_7D: ['Collection calls in 7 days (Reg F)', '7 天内催收电话（Reg F）'],
    CAP_US_CONVERSATION_LOCKOUT: ['Collection calls after a conversation (Reg F)', '通话后 7 天内不得催收外呼（Reg F）'],
    CAP_FRAUD_PER_EVENT: ['Alerts per fraud case in 72 h', '每起欺诈案件 72 小时内提醒'],
  } satisfies Record<CapCode, Said>,
  woOutcome: {
    resolved_with_customer: ['Resolved with the customer', '已与客户解决'],
    no_action_needed: ['No action needed', '无需处理'],
    payment_arranged: ['Payment arranged', '已安排还款'],
    card_blocked: ['Card blocked', '已止付'],
    fraud_confirmed: ['Fraud confirmed', '确认欺诈'],
    complaint_upheld: ['Complaint upheld', '投诉成立'],
    complaint_rejected: ['Complaint rejected', '投诉不成立'],
    customer_unreachable: ['Customer unreachable', '联系不上客户'],
    referred_to_collections: ['Referred to collections', '转催收'],
    // Closed by the alert rule itself, never picked by a person.
    condition_cleared: ['The alert’s condition cleared', '预警条件已消除'],
  } satisfies Record<WorkOrderOutcome | 'condition_cleared', Said>,
  /** The words of a work order's history (work_order_events.action). */
  woAction: {
    opened: ['Opened', '创建'],
    claimed: ['Taken', '领取'],
    released: ['Handed back', '退回队列'],
    status_changed: ['Status changed', '状态变更'],
    resolved: ['Resolved', '已解决'],
    cancelled: ['Cancelled', '已取消'],
    escalated: ['Escalated to the supervisor', '已升级给主管'],
    notified: ['Staff notified', '已通知员工'],
  } satisfies Record<string, Said>,
  /** Why a member of staff was notified of a work order. */
  notificationStage: {
    opened: ['New order', '新工单'],
    near_breach: ['About to breach its SLA', '即将超出时限'],
    breached: ['SLA breached', '已超出时限'],
  } satisfies Record<DueNotification['stage'], Said>,
  /** Zones named in the reader's language; in English the IANA name says it. */
  zone: {
    'Asia/Shanghai': ['Asia/Shanghai', '北京时间'],
    'Asia/Hong_Kong': ['Asia/Hong_Kong', '香港时间'],
    'Asia/Singapore': ['Asia/Singapore', '新加坡时间'],
    'Europe/London': ['Europe/London', '伦敦时间'],
    'America/New_York': ['America/New_York', '纽约时间'],
    UTC: ['UTC', '协调世界时'],
  } satisfies Record<string, Said>,
  importStatus: {
    queued: ['Waiting', '等待中'],
    running: ['Importing', '导入中'],
    succeeded: ['Done', '已完成'],
    failed: ['Failed', '失败'],
  } satisfies Record<ImportStatus, Said>,
  importMode: {
    partial: ['Import the good rows, report the bad', '导入正确的行，列出错误的行'],
    all_or_nothing: ['All or nothing: any bad row stops the import', '全部或全不：有一行错误即不导入'],
  } satisfies Record<ImportMode, Said>,
};

export type Vocabulary = keyof typeof VOCABULARIES;

/** The lists the labels above must cover, for the test that walks them. */
export const LABELLED_LISTS: Partial<Record<Vocabulary, readonly string[]>> = {
  cardStatus: CARD_STATUSES,
  riskLevel: RISK_LEVELS,
  fraudStatus: FRAUD_CASE_STATUSES,
  consentScope: CONSENT_SCOPES,
  consentSource: CONSENT_SOURCES,
  woStatus: WORK_ORDER_STATUSES,
  woKind: WORK_ORDER_KINDS,
  severity: SEVERITIES,
};

function catalogue(index: 0 | 1): Messages {
  const out: Messages = {};
  for (const [vocabulary, labels] of Object.entries(VOCABULARIES)) {
    for (const [value, said] of Object.entries(labels as Record<string, Said>)) out[`code.${vocabulary}.${value}`] = said[index];
  }
  return out;
}

export const CODE_MESSAGES = { en: catalogue(0), 'zh-CN': catalogue(1) };

/** Where a timeline's tags may come from, in the order they are tried (the first vocabulary that has the code). */
const TAG_VOCABULARIES = [
  'channel',
  'purpose',
  'taskStatus',
  'consentScope',
  'consentState',
  'consentSource',
  'fraudStatus',
  'sendStatus',
];

/** A tag's label key: a code of any of the vocabularies above; undefined for a tag that is no code (a reference). */
export function tagKey(value: unknown): string | undefined {
  for (const vocabulary of TAG_VOCABULARIES) {
    const key = codeKey(vocabulary, value);
    if (key) return key;
  }
  return undefined;
}

/** The message key of a code's label; undefined when the vocabulary has none for it. */
export function codeKey(vocabulary: string, value: unknown): string | undefined {
  const labels = (VOCABULARIES as Record<string, Record<string, Said>>)[vocabulary];
  return labels && typeof value === 'string' && value in labels ? `code.${vocabulary}.${value}` : undefined;
}
