import { Customer, Locale } from '../customers/customer.entity';
import { MessageVariables } from './template.model';

type SampleCustomer = Omit<Customer, 'id' | 'tags' | 'attributes' | 'contactWindow' | 'inconvenientTimes' | 'contactCounts'>;

const COMMON = {
  cardStatus: 'active',
  creditScore: 712,
  riskLevel: 'low',
  paidThisCycle: 0,
  daysPastDue: 12,
  statementDate: '2025-11-15',
  dueDate: '2025-12-05',
  cardIssuedOn: '2022-03-18',
  lastCardActivityAt: new Date('2025-11-20T10:12:00Z'),
  muteUntil: null,
  marketingMuteUntil: null,
  lastContactAt: null,
  lastContactChannel: null,
  lastContactPurpose: null,
  lastContactOutcome: null,
  lastRightPartyContactAt: null,
  promiseToPayOn: null,
  promiseToPayAmount: null,
  lastVerificationResult: null,
  lastVerificationAt: null,
  createdAt: new Date('2022-03-18T02:00:00Z'),
  updatedAt: new Date('2025-11-20T10:12:00Z'),
} as const;

/** A made-up customer per locale for previews without a real one: every profile field has a value. */
const SAMPLE_CUSTOMERS: Record<Locale, SampleCustomer> = {
  'zh-CN': {
    ...COMMON,
    externalRef: 'SAMPLE-ZH',
    fullName: '张伟',
    phone: '+8613812345678',
    email: 'zhang.wei@example.com',
    locale: 'zh-CN',
    timezone: 'Asia/Shanghai',
    country: 'CN',
    city: '上海',
    cardLast4: '4821',
    currency: 'CNY',
    creditLimit: 5_000_000,
    statementBalance: 1_234_550,
    minimumDue: 123_450,
  },
  en: {
    ...COMMON,
    externalRef: 'SAMPLE-EN',
    fullName: 'Emily Carter',
    phone: '+12125550142',
    email: 'emily.carter@example.com',
    locale: 'en',
    timezone: 'America/New_York',
    country: 'US',
    city: 'New York',
    cardLast4: '4821',
    currency: 'USD',
    creditLimit: 1_000_000,
    statementBalance: 234_550,
    minimumDue: 23_455,
  },
};

const SAMPLE_VARIABLES: Record<Locale, MessageVariables> = {
  'zh-CN': {
    txn: { amount: 268_800, currency: 'CNY', merchant: '京东商城', at: '2025-11-21T06:32:00Z', reference: '4821' },
    pending: [
      { amount: 268_800, currency: 'CNY', merchant: '京东商城', at: '2025-11-21T06:32:00Z', reference: '4821' },
      { amount: 59_900, currency: 'CNY', merchant: 'APPLE.COM/BILL', at: '2025-11-21T06:35:00Z', reference: '7305' },
    ],
    offer: { instalments: 6, instalmentAmount: 21_000, deferUntil: '2026-01-05', respondBy: '2025-12-12' },
    product: { name: '白金信用卡' },
    link: { url: 'https://herald.example/apply' },
  },
  en: {
    txn: { amount: 42_999, currency: 'USD', merchant: 'AMAZON MKTPLACE', at: '2025-11-21T19:32:00Z', reference: '4821' },
    pending: [
      { amount: 42_999, currency: 'USD', merchant: 'AMAZON MKTPLACE', at: '2025-11-21T19:32:00Z', reference: '4821' },
      { amount: 8_950, currency: 'USD', merchant: 'UBER *TRIP', at: '2025-11-21T19:40:00Z', reference: '7305' },
    ],
    offer: { instalments: 6, instalmentAmount: 4_000, deferUntil: '2026-01-05', respondBy: '2025-12-12' },
    product: { name: 'Platinum Card' },
    link: { url: 'https://herald.example/apply' },
  },
};

export function sampleCustomer(locale: Locale): SampleCustomer {
  return { ...SAMPLE_CUSTOMERS[locale] };
}

/** Sample values for every message variable, by namespace, in the locale's currency and language. */
export function sampleVariables(locale: Locale): MessageVariables {
  return structuredClone(SAMPLE_VARIABLES[locale]);
}
