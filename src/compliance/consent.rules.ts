import { Evaluation, StandingRule, Violation } from './rule-evaluation';

const final = (code: Violation['code'], params: Violation['params']): Violation => ({
  code,
  params,
  next: Infinity,
  final: true,
});

/** SMS and calls need a phone number, e-mail an address. */
export const addressRule: StandingRule = ({ input }) => {
  const address = input.channel === 'email' ? input.customer.email : input.customer.phone;
  return address ? undefined : final('NO_ADDRESS', { channel: input.channel });
};

/** The do-not-contact list holds back everything but fraud alerts. */
export const doNotContactRule: StandingRule = ({ input }) => {
  if (input.purpose === 'fraud') return undefined;
  const kind = input.channel === 'email' ? 'email' : 'phone';
  return input.consent.doNotContact[kind] ? final('DO_NOT_CONTACT', { kind }) : undefined;
};

/**
 * A revoked `all` scope is a ban on the channel the customer asked for (STOP on SMS, "never call
 * me"): every purpose respects it, fraud alerts included (Reg F 1006.14(h); Twilio itself blocks
 * SMS after STOP). A revoked `marketing` scope refuses promotions only.
 */
export const optOutRule: StandingRule = ({ input }) => {
  const { all, marketing } = input.consent[input.channel];
  if (all?.state === 'revoked') return final('OPTED_OUT', optOutParams(input.channel, 'all', all.at, all.source));
  if (input.purpose === 'marketing' && marketing?.state === 'revoked') {
    return final('OPTED_OUT', optOutParams(input.channel, 'marketing', marketing.at, marketing.source));
  }
  return undefined;
};

/** Marketing needs the customer's consent to promotions on this very channel (MIIT Order 31, PIPL art. 24). */
export const marketingConsentRule: StandingRule = ({ input }: Evaluation) => {
  if (input.purpose !== 'marketing') return undefined;
  const { marketing } = input.consent[input.channel];
  return marketing === null ? final('NO_CONSENT', { channel: input.channel, scope: 'marketing' }) : undefined;
};

function optOutParams(channel: string, scope: string, at: Date, source: string) {
  return { channel, scope, since: at.toISOString(), source };
}
