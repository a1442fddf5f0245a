import { EnvReader } from '../config/env-reader';
import type { Locale } from '../customers/customer.entity';
import type { CentreDetails } from './template.library';

export interface TemplatesConfig {
  /** Where the reviewed template files are, `<key>/<locale>.<channel>.hbs`. */
  dir: string;
  /** What templates call `centre.*` and the marketing SMS signature, per locale. */
  centre: Record<Locale, CentreDetails>;
  /** Offered beside the one-click URL in marketing e-mail's List-Unsubscribe header. */
  unsubscribeMailto: string | undefined;
}

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

export function readTemplatesConfig(read: EnvReader): TemplatesConfig {
  const hotline = read.string('CENTRE_HOTLINE', { default: '400-820-1234' })!;
  const unsubscribeMailto = read.string('UNSUBSCRIBE_MAILTO', { optional: true });
  if (unsubscribeMailto !== undefined && !ADDRESS.test(unsubscribeMailto)) {
    read.reject('UNSUBSCRIBE_MAILTO', 'must be an e-mail address, e.g. unsubscribe@example.com');
  }
  return {
    dir: read.string('TEMPLATES_DIR', { default: './scripts-templates' })!,
    centre: {
      'zh-CN': { name: read.string('CENTRE_NAME_ZH', { default: 'Herald信用卡中心' })!, hotline },
      en: { name: read.string('CENTRE_NAME_EN', { default: 'Herald Card Centre' })!, hotline },
    },
    unsubscribeMailto,
  };
}
