import {
  CONVERSATION_DISPOSITIONS,
  detailMismatch,
  DISPOSITIONS,
  dispositionEffects,
  identityProblem,
} from './disposition.rules';

const NOW = new Date('2026-11-23T03:00:00Z');

describe('disposition effects', () => {
  it('too_many_calls mutes marketing for 90 days', () => {
    expect(dispositionEffects('too_many_calls', 'collections', NOW).marketingMuteUntil?.toISOString()).toBe(
      '2027-02-21T03:00:00.000Z',
    );
  });

  it('no other disposition mutes marketing', () => {
    for (const code of DISPOSITIONS.filter((c) => c !== 'too_many_calls')) {
      expect(dispositionEffects(code, 'collections', NOW).marketingMuteUntil).toBeNull();
    }
  });

  it('records a conversation about the debt for a collections call on which the agent spoke with the customer', () => {
    const conversations = DISPOSITIONS.filter((code) => dispositionEffects(code, 'collections', NOW).conversation);
    expect(conversations).toEqual(['right_party_contact', 'promise_to_pay', 'too_many_calls', 'call_back_at', 'opt_out']);
    expect(conversations).toEqual([...CONVERSATION_DISPOSITIONS]);
    // A connected call with nobody (or the wrong person) spoken to is not one; nor is a fraud answer.
    for (const code of ['no_answer', 'wrong_number', 'refused', 'not_fraud', 'fraud_confirmed'] as const) {
      expect(dispositionEffects(code, 'collections', NOW).conversation).toBe(false);
    }
    // Reg F's lock-out is about collection calls: a reminder or a marketing call is no conversation about the debt.
    for (const purpose of ['service', 'marketing', 'fraud'] as const) {
      expect(dispositionEffects('right_party_contact', purpose, NOW).conversation).toBe(false);
    }
  });

  it('counts a conversation as a right-party contact, a wrong number or no answer not', () => {
    expect(dispositionEffects('promise_to_pay', 'collections', NOW).rightPartyContact).toBe(true);
    expect(dispositionEffects('right_party_contact', 'collections', NOW).rightPartyContact).toBe(true);
    expect(dispositionEffects('wrong_number', 'collections', NOW).rightPartyContact).toBe(false);
    expect(dispositionEffects('no_answer', 'collections', NOW).rightPartyContact).toBe(false);
  });
});

describe('disposition details', () => {
  it('requires each detail with its codes and refuses it with any other', () => {
    expect(detailMismatch('promise_to_pay', {})).toMatchObject({ error: 'DISPOSITION_PROMISE_MISMATCH', field: 'promise' });
    expect(detailMismatch('no_answer', { promise: {} })).toMatchObject({ field: 'promise' });
    expect(detailMismatch('call_back_at', { callBackAt: '2026-11-24T02:00:00Z' })).toBeUndefined();
    expect(detailMismatch('not_fraud', {})).toMatchObject({ error: 'DISPOSITION_CASE_MISMATCH', field: 'caseId' });
    expect(detailMismatch('fraud_confirmed', { caseId: 'c' })).toBeUndefined();
    expect(detailMismatch('refused', { caseId: 'c' })).toMatchObject({ field: 'caseId' });
    expect(detailMismatch('opt_out', {})).toMatchObject({ error: 'DISPOSITION_CHANNEL_MISMATCH', field: 'channel' });
    expect(detailMismatch('opt_out', { channel: 'call' })).toBeUndefined();
  });

  it('counts every fraud answer and an opt-out as speaking with the customer', () => {
    for (const code of ['fraud_confirmed', 'not_fraud', 'opt_out'] as const)
      expect(dispositionEffects(code, 'collections', NOW).rightPartyContact).toBe(true);
  });
});

describe('the identity check', () => {
  it('is asked of every outcome that discusses the account, and of no other', () => {
    const asked = DISPOSITIONS.filter((code) => identityProblem(code, undefined) !== undefined);
    expect(asked).toEqual(['right_party_contact', 'promise_to_pay', 'fraud_confirmed', 'not_fraud']);
    expect(identityProblem('fraud_confirmed', false)).toMatchObject({
      error: 'DISPOSITION_IDENTITY_UNVERIFIED',
      field: 'identityVerified',
    });
    expect(DISPOSITIONS.filter((code) => identityProblem(code, true) !== undefined)).toEqual([]);
  });
});
