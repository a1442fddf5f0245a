import { dispositionFromForm, identityVerified } from './disposition.form';

describe('the disposition form', () => {
  it('reads the call-back time in the customer’s zone', () => {
    expect(dispositionFromForm({ code: 'call_back_at', callBackAt: '2026-11-24T10:30' }, 'Asia/Shanghai')).toEqual({
      code: 'call_back_at',
      callBackAt: '2026-11-24T02:30:00Z',
    });
    expect(dispositionFromForm({ code: 'call_back_at', callBackAt: '2026-11-24T10:30' }, 'America/New_York').callBackAt).toBe(
      '2026-11-24T15:30:00Z',
    );
  });

  it('turns a promise’s amount into minor units and wants both its parts', () => {
    expect(
      dispositionFromForm({ code: 'promise_to_pay', promiseDate: '2026-12-01', promiseAmount: '1200.5' }, 'UTC').promise,
    ).toEqual({
      date: '2026-12-01',
      amount: 120_050,
    });
    expect(() => dispositionFromForm({ code: 'promise_to_pay', promiseDate: '2026-12-01' }, 'UTC')).toThrow(
      expect.objectContaining({ details: [expect.objectContaining({ field: 'promiseAmount' })] }),
    );
  });

  it('takes a time in a DST gap as the clocks do (an hour on) and refuses an impossible date', () => {
    expect(() => dispositionFromForm({ code: 'call_back_at', callBackAt: '2026-03-08T02:30' }, 'America/New_York')).not.toThrow();
    expect(() => dispositionFromForm({ code: 'call_back_at', callBackAt: '2026-13-08T02:30' }, 'UTC')).toThrow(
      expect.objectContaining({ details: [expect.objectContaining({ field: 'callBackAt' })] }),
    );
  });

  it('counts the identity check done only when every step of the script is ticked', () => {
    expect(identityVerified(['0', '1', '2'], 3)).toBe(true);
    expect(identityVerified(['2', '0', '1', '1'], 3)).toBe(true);
    expect(identityVerified(['0', '2'], 3)).toBe(false);
    expect(identityVerified([], 3)).toBe(false);
    expect(identityVerified([], 0)).toBe(true);
  });
});
