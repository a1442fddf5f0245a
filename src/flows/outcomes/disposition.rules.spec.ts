import { detailMismatch, DISPOSITIONS, dispositionEffects } from './disposition.rules';

const NOW = new Date('2026-11-23T03:00:00Z');

describe('disposition effects', () => {
  it('too_many_calls mutes marketing for 90 days', () => {
    expect(dispositionEffects('too_many_calls', NOW).marketingMuteUntil?.toISOString()).toBe('2027-02-21T03:00:00.000Z');
  });

  it('no other disposition mutes marketing', () => {
    for (const code of DISPOSITIONS.filter((c) => c !== 'too_many_calls')) {
      expect(dispositionEffects(code, NOW).marketingMuteUntil).toBeNull();
    }
  });

  it('counts a conversation as a right-party contact, a wrong number or no answer not', () => {
    expect(dispositionEffects('promise_to_pay', NOW).rightPartyContact).toBe(true);
    expect(dispositionEffects('right_party_contact', NOW).rightPartyContact).toBe(true);
    expect(dispositionEffects('wrong_number', NOW).rightPartyContact).toBe(false);
    expect(dispositionEffects('no_answer', NOW).rightPartyContact).toBe(false);
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
      expect(dispositionEffects(code, NOW).rightPartyContact).toBe(true);
  });
});
