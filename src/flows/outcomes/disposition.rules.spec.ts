import { DISPOSITIONS, dispositionEffects } from './disposition.rules';

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
