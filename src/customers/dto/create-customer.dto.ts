import { CARD_STATUSES, CardStatus, LOCALES, Locale, RISK_LEVELS, RiskLevel } from '../customer.entity';
import { ProfileField } from './profile-field.decorator';

const money = (description: string) =>
  ({ type: 'integer', description: `${description}, in minor units of currency (fen, cents)` }) as const;
const optional = { required: false, nullable: true } as const;

/** A new customer. Values are checked by the shared profile rules (see customer-row.validator.ts). */
export class CreateCustomerDto {
  @ProfileField({ example: 'CRM-0001234', description: "the core system's reference; unique" })
  externalRef: string;

  @ProfileField({ example: '王芳', maxLength: 200 })
  fullName: string;

  @ProfileField({
    ...optional,
    example: '13812345678',
    description: 'a mobile number; stored in E.164, read in `country` unless it starts with +',
  })
  phone?: string | null;

  @ProfileField({ ...optional, example: 'wang.fang@example.com' })
  email?: string | null;

  @ProfileField({ required: false, enum: LOCALES, description: 'default zh-CN in CN, en elsewhere' })
  locale?: Locale;

  @ProfileField({ required: false, example: 'Asia/Shanghai', description: 'IANA zone; required outside CN' })
  timezone?: string;

  @ProfileField({ required: false, example: 'CN', default: 'CN', description: 'ISO 3166 alpha-2; selects the rule pack' })
  country?: string;

  @ProfileField({ ...optional, example: '上海' })
  city?: string | null;

  @ProfileField({ ...optional, example: '4821', pattern: '^[0-9]{4}$' })
  cardLast4?: string | null;

  @ProfileField({ required: false, enum: CARD_STATUSES, default: 'active' })
  cardStatus?: CardStatus;

  @ProfileField({ required: false, example: 'CNY', description: 'ISO 4217; required outside CN' })
  currency?: string;

  @ProfileField({ required: false, ...money('credit limit'), minimum: 0, example: 5000000 })
  creditLimit?: number;

  @ProfileField({ required: false, ...money('statement balance (negative: in credit)'), example: 1234500 })
  statementBalance?: number;

  @ProfileField({ required: false, ...money('minimum payment due'), minimum: 0, example: 123450 })
  minimumDue?: number;

  @ProfileField({ required: false, ...money('paid since the statement'), minimum: 0, example: 0 })
  paidThisCycle?: number;

  @ProfileField({ ...optional, format: 'date', example: '2025-03-05' })
  statementDate?: string | null;

  @ProfileField({ ...optional, format: 'date', example: '2025-03-25' })
  dueDate?: string | null;

  @ProfileField({ required: false, type: 'integer', minimum: 0, default: 0 })
  daysPastDue?: number;

  @ProfileField({ required: false, enum: RISK_LEVELS, default: 'low' })
  riskLevel?: RiskLevel;

  @ProfileField({ ...optional, type: 'integer', minimum: 300, maximum: 900 })
  creditScore?: number | null;

  @ProfileField({ ...optional, format: 'date', example: '2024-11-02' })
  cardIssuedOn?: string | null;

  @ProfileField({ ...optional, format: 'date-time', example: '2025-03-01T09:30:00+08:00', description: 'with an offset' })
  lastCardActivityAt?: string | null;

  @ProfileField({ required: false, type: [String], example: ['vip', 'auto_pay'] })
  tags?: string[];

  @ProfileField({ required: false, type: Object, additionalProperties: true, example: { branch: 'SH01' } })
  attributes?: Record<string, unknown>;
}
