import { dispositionsFor, instalmentOffer, taskPurpose, taskScript } from './agent-script.rules';

describe('agent scripts', () => {
  it('takes the purpose from the kind, or from the disposition that asked for a call back', () => {
    expect(taskPurpose('fraud_confirmed')).toBe('fraud');
    expect(taskPurpose('fraud_verification')).toBe('fraud');
    expect(taskPurpose('collections-dpd-60')).toBe('collections');
    expect(taskPurpose('call_back', 'fraud')).toBe('fraud');
  });

  it('uses the task’s own template, else the purpose’s script', () => {
    expect(taskScript('collections-later-offer', 'collections')).toBe('collections-later-offer');
    expect(taskScript(null, 'fraud')).toBe('fraud-verification');
    expect(taskScript(null, 'marketing')).toBeUndefined();
    // After a confirmed fraud the call is about the next steps, whatever script the task was queued with.
    expect(taskScript('fraud-verification', 'fraud', 'fraud_confirmed')).toBe('fraud-next-steps');
    expect(taskScript(null, 'fraud', 'fraud_verification')).toBe('fraud-verification');
  });

  it('offers fraud answers only on fraud calls, promises only on collection calls', () => {
    expect(dispositionsFor('fraud')).toEqual(expect.arrayContaining(['not_fraud', 'fraud_confirmed', 'opt_out', 'call_back_at']));
    expect(dispositionsFor('fraud')).not.toContain('promise_to_pay');
    expect(dispositionsFor('collections')).toContain('promise_to_pay');
    expect(dispositionsFor('collections')).not.toContain('not_fraud');
    // A case already answered offers no second answer.
    expect(dispositionsFor('fraud', false)).not.toEqual(expect.arrayContaining(['not_fraud']));
    expect(dispositionsFor('fraud', false)).not.toContain('fraud_confirmed');
    expect(dispositionsFor('fraud', false)[0]).toBe('right_party_contact');
  });

  it('splits the balance into six instalments rounded up, respond within a week in the customer’s zone', () => {
    const offer = instalmentOffer({ statementBalance: 100_001, timezone: 'Asia/Shanghai' }, new Date('2026-11-21T18:00:00Z'));
    expect(offer).toEqual({ instalments: 6, instalmentAmount: 16_667, respondBy: '2026-11-29', deferUntil: '2026-12-01' });
  });
});
