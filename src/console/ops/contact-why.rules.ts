import { DateTime } from 'luxon';
import { StepCondition } from '../../campaigns/campaign.entity';
import { ChannelErrorKind } from '../../channels/channel.error';
import { REASON_CODES } from '../../compliance/policy.types';
import { Locale } from '../../customers/customer.entity';
import { TaskReason, TaskStatus } from '../../dispatch/contact-task.entity';

/** A row of the contact log as the "why" needs it: the task, and the latest attempt it made. */
export interface LoggedContact {
  status: TaskStatus;
  reasons: TaskReason[];
  dueAt: Date;
  condition: StepCondition | null;
  attempt: { status: string; at: Date; errorCode: string | null } | null;
}

/** How an unknown outcome was settled: the sentence names the doubt and its resolution. */
const RESOLUTIONS = new Set(['SETTLED_BY_PROVIDER_REPORT', 'RECONCILED_FOUND', 'RECONCILED_NOT_AT_PROVIDER', 'UNCONFIRMED']);

/** Codes written into contact_tasks.reasons outside the policy (dispatch, flows, campaigns, webhooks). */
export const TASK_REASON_CODES = [
  'STEP_CONDITION_NOT_MET',
  'RENDER_FAILED',
  'RETRIES_EXHAUSTED',
  'SENDER_LOST_MID_SEND',
  'SETTLED_BY_PROVIDER_REPORT',
  'PROVIDER_REFUSED',
  'RECONCILED_FOUND',
  'RECONCILED_NOT_AT_PROVIDER',
  'UNCONFIRMED',
  'PAID',
  'CUSTOMER_ANSWERED',
  'CARD_ACTIVATED',
  'PROMISE_TO_PAY',
  'CAMPAIGN_ENDED',
  'CAMPAIGN_CANCELLED',
  ...(['transient', 'permanent', 'opted_out'] as const satisfies ChannelErrorKind[]).map(
    (kind) => `PROVIDER_${kind.toUpperCase()}` as `PROVIDER_${Uppercase<ChannelErrorKind>}`,
  ),
] as const;

export type WhyCode = (typeof REASON_CODES)[number] | (typeof TASK_REASON_CODES)[number];

/** Both languages at once, so no code can have an English sentence and lack the Chinese one. */
type Said = [en: string, zh: string];
type Time = (value: unknown) => Said;
type Phrase = (r: TaskReason, at: Time, day: Time) => Said;

const s = (value: unknown) => (value === undefined || value === null ? '' : String(value));
const CHANNEL: Record<string, Said> = { sms: ['SMS', '短信'], email: ['e-mail', '邮件'], call: ['calls', '电话'] };
/** Who recorded an opt-out, for a Chinese reader (the English sentence keeps the ledger's code, which ops search by). */
const SOURCE_ZH: Record<string, string> = {
  sms_keyword: '短信回复退订',
  agent: '坐席记录',
  email_one_click: '邮件退订链接',
  api: '核心系统',
  import: '批量导入',
  provider: '运营商退订',
};
const channel = (value: unknown): Said => CHANNEL[s(value)] ?? [s(value), s(value)];
const period = (r: TaskReason): Said =>
  r.windowHours !== undefined
    ? [`${r.windowHours} h`, `${r.windowHours} 小时`]
    : r.windowLocalDays === 1
      ? ['today', '今天']
      : [`${s(r.windowLocalDays)} local days`, `${s(r.windowLocalDays)} 个自然日`];
const provider = (r: TaskReason): Said => {
  const detail = [r.providerCode, r.message]
    .filter((part) => part !== undefined && part !== null && part !== '')
    .map(s)
    .join(' ');
  return detail ? [` (${detail})`, `（${detail}）`] : ['', ''];
};
const cap = (r: TaskReason, what: Said): Said => [
  `cap reached: ${s(r.counted)} ${what[0]} in ${period(r)[0]}, at most ${s(r.limit)}`,
  `已达上限：${period(r)[1]}内${what[1]} ${s(r.counted)} 次，最多 ${s(r.limit)} 次`,
];

const STEP_UNMET: Record<StepCondition, Said> = {
  always: ['the previous step did not go out', '上一步未发出'],
  not_delivered: ['the previous step was delivered', '上一步已送达'],
  no_reply: ['the customer replied to the previous step', '客户已回复上一步'],
  no_reply_and_not_delivered: ['the previous step was delivered or answered', '上一步已送达或客户已回复'],
};

/** One phrase per reason code; the policy's parameters are flattened into the stored reason. */
const PHRASES: Record<WhyCode, Phrase> = {
  NO_ADDRESS: (r) =>
    r.channel === 'email'
      ? ['no e-mail address on the profile', '资料中没有邮箱地址']
      : ['no phone number on the profile', '资料中没有电话号码'],
  DO_NOT_CONTACT: (r) =>
    r.kind === 'email'
      ? ['the e-mail address is on the do-not-contact list', '邮箱地址在免打扰名单中']
      : ['the phone number is on the do-not-contact list', '电话号码在免打扰名单中'],
  OPTED_OUT: (r, _at, day) => {
    const [en, zh] = channel(r.channel);
    const marketing = r.scope === 'marketing';
    return [
      `opted out of ${marketing ? `marketing by ${en}` : en} (${s(r.source)}, ${day(r.since)[0]})`,
      `已退订${marketing ? `${zh}营销` : zh}（${SOURCE_ZH[s(r.source)] ?? s(r.source)}，${day(r.since)[1]}）`,
    ];
  },
  NO_CONSENT: (r) => [`no consent to marketing by ${channel(r.channel)[0]}`, `未同意接收${channel(r.channel)[1]}营销`],
  MUTED: (r, at) => [`the customer asked for no contact until ${at(r.until)[0]}`, `客户要求 ${at(r.until)[1]} 前勿联系`],
  MARKETING_MUTED: (r, at) => [
    `the customer asked for no marketing until ${at(r.until)[0]}`,
    `客户要求 ${at(r.until)[1]} 前勿推送营销`,
  ],
  QUIET_HOURS: (r) => [`quiet hours (contact hours ${s(r.window)})`, `免打扰时段（可联系时段 ${s(r.window)}）`],
  OUTSIDE_PREFERRED_WINDOW: (r) => [`outside the customer's preferred hours ${s(r.window)}`, `不在客户偏好的时段 ${s(r.window)}`],
  INCONVENIENT_TIME: (r) => [
    `a time the customer called inconvenient${r.window ? ` (${s(r.window)})` : ''}`,
    `客户声明不便的时间${r.window ? `（${s(r.window)}）` : ''}`,
  ],
  WEEKEND: (r) => [`no marketing at weekends (${s(r.date)})`, `周末不做营销（${s(r.date)}）`],
  PUBLIC_HOLIDAY: (r) => [
    `no marketing on public holidays (${s(r.holiday ?? r.date)})`,
    `法定节假日不做营销（${s(r.holiday ?? r.date)}）`,
  ],
  CAP_DAILY_TOTAL: (r) => cap(r, ['contacts', '联络']),
  CAP_MARKETING_CALL_30D: (r) => cap(r, ['marketing calls', '营销电话']),
  CAP_MARKETING_SMS_7D: (r) => cap(r, ['marketing SMS', '营销短信']),
  CAP_MARKETING_EMAIL_7D: (r) => cap(r, ['marketing e-mails', '营销邮件']),
  CAP_CN_CONNECTED_CALLS_DAY: (r) => cap(r, ['connected collection calls', '接通的催收电话']),
  CAP_US_CALLS_7D: (r) => cap(r, ['collection calls (Reg F)', '催收电话（Reg F）']),
  CAP_US_CONVERSATION_LOCKOUT: (r) => [
    `a conversation about the debt in the last ${period(r)[0]} (Reg F)`,
    `${period(r)[1]}内已就欠款通话（Reg F）`,
  ],
  CAP_FRAUD_PER_EVENT: (r) => cap(r, ['alerts for this fraud case', '本欺诈案件的提醒']),
  NO_ALLOWED_TIME: (r) => [
    `no time in the next ${s(r.horizonDays)} days satisfies every rule`,
    `未来 ${s(r.horizonDays)} 天内没有满足全部规则的时间`,
  ],
  EXPIRED: (r, at) =>
    r.campaignEndsAt
      ? [
          `the next allowed time ${at(r.nextAllowedAt)[0]} is after the campaign ends ${at(r.campaignEndsAt)[0]}`,
          `下一个可联系时间 ${at(r.nextAllowedAt)[1]} 晚于活动结束 ${at(r.campaignEndsAt)[1]}`,
        ]
      : ['its time ran out before it could be sent', '在发送前已超出有效期'],
  STEP_CONDITION_NOT_MET: () => ['the condition of this step no longer held', '本步骤的条件已不成立'],
  RENDER_FAILED: (r) => [`the template could not be rendered${provider(r)[0]}`, `模板无法渲染${provider(r)[1]}`],
  RETRIES_EXHAUSTED: (r) => [
    `the provider kept failing, no retries left${provider(r)[0]}`,
    `服务商持续出错，重试次数已用完${provider(r)[1]}`,
  ],
  SENDER_LOST_MID_SEND: () => [
    'the dispatcher stopped between the provider call and its answer',
    '发送进程在调用服务商后、记录结果前中断',
  ],
  SETTLED_BY_PROVIDER_REPORT: () => ["settled by the provider's report", '由服务商回执确认'],
  PROVIDER_REFUSED: (r) => [
    `the provider took it, then answered ${s(r.providerStatus)}`,
    `服务商受理后返回 ${s(r.providerStatus)}`,
  ],
  RECONCILED_FOUND: (r) => [
    `found in the provider's records (${s(r.providerRef)})`,
    `已在服务商记录中找到（${s(r.providerRef)}）`,
  ],
  RECONCILED_NOT_AT_PROVIDER: () => ["not in the provider's records: sent again", '服务商记录中没有该消息：重新发送'],
  UNCONFIRMED: () => [
    'the provider cannot be asked (e-mail, or a send logged before recipients were kept): counted as sent, never sent twice',
    '无法向服务商查询（邮件，或未记录收件人的早期发送）：按已发送计，不重复发送',
  ],
  PAID: () => ['the customer paid', '客户已还款'],
  CUSTOMER_ANSWERED: () => ['the customer answered the verification', '客户已回复核实'],
  CARD_ACTIVATED: () => ['the card was activated', '卡片已激活'],
  PROMISE_TO_PAY: (r, at) => [`promise to pay until ${at(r.until)[0]}`, `客户承诺还款，暂停至 ${at(r.until)[1]}`],
  CAMPAIGN_ENDED: () => ['the campaign ended', '活动已结束'],
  CAMPAIGN_CANCELLED: () => ['the campaign was cancelled', '活动已取消'],
  PROVIDER_TRANSIENT: (r) => [`provider error${provider(r)[0]}`, `服务商临时错误${provider(r)[1]}`],
  PROVIDER_PERMANENT: (r) => [`the provider refused it${provider(r)[0]}`, `服务商拒绝发送${provider(r)[1]}`],
  PROVIDER_OPTED_OUT: (r) => [
    `the recipient opted out at the provider${provider(r)[0]}`,
    `收件人已在服务商处退订${provider(r)[1]}`,
  ],
};

const ATTEMPT: Record<string, Said> = {
  pending: ['awaiting the provider', '等待服务商'],
  sent: ['accepted by the provider', '服务商已受理'],
  delivered: ['delivered', '已送达'],
  undelivered: ['not delivered', '未送达'],
  failed: ['failed at the provider', '服务商发送失败'],
  unknown: ['delivery unknown', '送达情况未知'],
  ringing: ['ringing', '振铃中'],
  in_progress: ['in progress', '通话中'],
  completed: ['call completed', '通话完成'],
  busy: ['busy', '占线'],
  no_answer: ['no answer', '无人接听'],
  canceled: ['call cancelled', '呼叫已取消'],
};

const STATUS: Record<TaskStatus | 'deferred' | 'retrying', Said> = {
  pending: ['queued', '排队中'],
  deferred: ['deferred', '已延后'],
  retrying: ['retrying', '重试中'],
  claimed: ['being prepared', '准备发送'],
  sending: ['sending', '发送中'],
  sent: ['sent', '已发送'],
  failed: ['failed', '失败'],
  suppressed: ['suppressed', '已拦截'],
  expired: ['expired', '已过期'],
  cancelled: ['cancelled', '已取消'],
  skipped: ['skipped', '已跳过'],
  unknown: ['outcome unknown', '结果未知'],
};

/** A reason Herald does not know (a code added later): its code and message, never a blank. */
function phrase(reason: TaskReason, at: Time, day: Time, condition: StepCondition | null): Said {
  if (reason.code === 'STEP_CONDITION_NOT_MET' && condition) return STEP_UNMET[condition];
  const known = PHRASES[reason.code as WhyCode];
  if (known) return known(reason, at, day);
  const fallback = `${reason.code}${reason.message ? `: ${s(reason.message)}` : ''}`;
  return [fallback, fallback];
}

/**
 * Why a contact is where it is, in one sentence of the viewer's language with times in the
 * customer's zone: "deferred — quiet hours (contact hours 08:00-22:00) until 08:00 Asia/Shanghai".
 * Reasons closing a task (paid, campaign cancelled…) are appended to older ones, so for a task
 * closed that way only the last one speaks; a deferral or a refusal lists them all.
 */
export function contactWhy(contact: LoggedContact, zone: string, locale: Locale, now: Date): string {
  const lang = locale === 'en' ? 0 : 1;
  const { at, day } = clockOf(zone, now);
  const said = (reasons: TaskReason[]) =>
    reasons.map((r) => phrase(r, at, day, contact.condition)[lang]).join(lang === 0 ? '; ' : '；');
  const last = contact.reasons.slice(-1);
  // The doubt (an ambiguous answer, a sender lost mid-send) and how it was resolved.
  const resolution = () => contact.reasons.slice(-2);
  const headline = (status: keyof typeof STATUS, detail: string) =>
    detail ? `${STATUS[status][lang]} — ${detail}` : STATUS[status][lang];

  switch (contact.status) {
    case 'sent': {
      const attempt = contact.attempt;
      const settled = RESOLUTIONS.has(last[0]?.code) ? ` (${said(resolution())})` : '';
      if (!attempt) return headline('sent', settled.trim());
      const state = ATTEMPT[attempt.status] ?? [attempt.status, attempt.status];
      const code = attempt.errorCode ? ` (${attempt.errorCode})` : '';
      return headline('sent', `${state[lang]}${code} ${at(attempt.at)[lang]}${settled}`);
    }
    case 'pending': {
      const due = at(contact.dueAt)[lang];
      if (contact.reasons.length === 0) return headline('pending', lang === 0 ? `due ${due}` : `预计 ${due}`);
      if (last[0].code.startsWith('PROVIDER_') || RESOLUTIONS.has(last[0].code)) {
        const why = RESOLUTIONS.has(last[0].code) ? resolution() : last;
        return headline('retrying', `${said(why)}${lang === 0 ? `, next try ${due}` : `，下次重试 ${due}`}`);
      }
      return headline('deferred', `${said(contact.reasons)}${lang === 0 ? ` until ${due}` : `，延后至 ${due}`}`);
    }
    case 'claimed':
    case 'sending':
      return headline(contact.status, '');
    case 'failed':
    case 'suppressed':
      return headline(contact.status, said(contact.reasons));
    case 'expired':
    case 'cancelled':
    case 'skipped':
    case 'unknown':
      return headline(contact.status, said(last));
  }
}

/** A reason as programs read it (its code) and as people do (the log's phrase for it). */
export interface ReasonWords {
  code: string;
  text: string;
}

/**
 * Every reason of a logged contact with its words, oldest first: the codes `contactWhy` speaks
 * from, for the API's readers (GET /contact-log) who file or count them.
 */
export function contactReasons(contact: LoggedContact, zone: string, locale: Locale, now: Date): ReasonWords[] {
  const lang = locale === 'en' ? 0 : 1;
  const { at, day } = clockOf(zone, now);
  return contact.reasons.map((r) => ({ code: r.code, text: phrase(r, at, day, contact.condition)[lang] }));
}

/**
 * Each reason as a sentence of the viewer's language, times in `zone` — the same sentences the
 * log uses, for a decision the policy has just made (the console's "could we contact them at…?").
 */
export function reasonSentences(reasons: readonly TaskReason[], zone: string, locale: Locale, now: Date): string[] {
  const lang = locale === 'en' ? 0 : 1;
  const { at, day } = clockOf(zone, now);
  return reasons.map((r) => phrase(r, at, day, null)[lang]);
}

/** Times in the customer's zone: today's as HH:mm, others with their date, the zone named. */
function clockOf(zone: string, now: Date): { at: Time; day: Time } {
  const today = DateTime.fromJSDate(now).setZone(zone).toISODate();
  const at: Time = (value) => {
    const when = toDateTime(value, zone);
    if (!when) return [s(value), s(value)];
    const text = `${when.toISODate() === today ? when.toFormat('HH:mm') : when.toFormat('yyyy-MM-dd HH:mm')} ${zone}`;
    return [text, text];
  };
  const day: Time = (value) => {
    const when = toDateTime(value, zone);
    const text = when ? when.toISODate()! : s(value);
    return [text, text];
  };
  return { at, day };
}

function toDateTime(value: unknown, zone: string): DateTime | undefined {
  const when =
    value instanceof Date ? DateTime.fromJSDate(value) : typeof value === 'string' ? DateTime.fromISO(value) : undefined;
  return when?.isValid ? when.setZone(zone) : undefined;
}
