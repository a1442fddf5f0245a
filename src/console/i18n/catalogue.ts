import { Locale } from '../../customers/customer.entity';
import { AGENT_MESSAGES } from '../agent/agent.messages';
import { CAMPAIGNS_MESSAGES } from '../campaigns/campaigns.messages';
import { LAUNCH_MESSAGES } from '../campaigns/launch.messages';
import { OPS_MESSAGES } from '../ops/ops.messages';
import { WORK_ORDERS_MESSAGES } from '../work-orders/work-orders.messages';
import { CUSTOMERS_MESSAGES } from '../customers/customers.messages';
import { IMPORTS_MESSAGES } from '../customers/imports.messages';
import { CODE_MESSAGES } from './codes.messages';
import { COMMON_MESSAGES } from './common.messages';
import { Messages } from './messages';

const FAMILIES: Record<Locale, Messages>[] = [
  COMMON_MESSAGES,
  AGENT_MESSAGES,
  OPS_MESSAGES,
  CAMPAIGNS_MESSAGES,
  WORK_ORDERS_MESSAGES,
  LAUNCH_MESSAGES,
  CODE_MESSAGES,
  CUSTOMERS_MESSAGES,
  IMPORTS_MESSAGES,
];

/** Every page family's text in one catalogue; a key defined twice is a mistake, caught at start-up. */
export const CONSOLE_MESSAGES: Record<Locale, Messages> = FAMILIES.reduce(
  (all, family) => {
    for (const locale of ['en', 'zh-CN'] as const) {
      for (const key of Object.keys(family[locale])) {
        if (key in all[locale]) throw new Error(`console message ${key} is defined twice`);
      }
      Object.assign(all[locale], family[locale]);
    }
    return all;
  },
  { en: {}, 'zh-CN': {} } as Record<Locale, Messages>,
);
