import { scrub, scrubText } from './scrub';

describe('scrubText', () => {
  it.each([
    ['call +8613812345678 now', 'call [phone] now'],
    ['to=%2B14155550123&x=1', 'to=[phone]&x=1'],
    ['mobile 13812345678.', 'mobile [phone].'],
    ['+44 20 7946 0958', '[phone]'],
    ['mail li.wei+card@example.com.cn please', 'mail [email] please'],
    ['card 4111 1111 1111 1111 declined', 'card [card] declined'],
    ['card 4111-1111-1111-1111', 'card [card]'],
    ['pan 6222021234567890123', 'pan [card]'],
  ])('masks %p', (input, expected) => {
    expect(scrubText(input)).toBe(expected);
  });

  it.each(['attempt 42 took 1500 ms', 'id 0b7c2d1e-9f3a-4c55-8e21-3a4b5c6d7e8f', 'due 2026-11-21T08:00:00+08:00', 'last4 4821'])(
    'leaves ordinary text alone: %p',
    (text) => {
      expect(scrubText(text)).toBe(text);
    },
  );
});

describe('scrub', () => {
  it('masks personal keys whole and searches every other string, however deep', () => {
    const out = scrub({
      customer: { name: '王伟', phone: '+8613812345678', email: 'w@example.com', city: 'Shanghai' },
      message: 'failed for 13812345678',
      list: [{ fullName: 'Li Wei' }, 'write to a@b.co'],
      count: 3,
    });
    expect(out).toEqual({
      customer: { name: '[redacted]', phone: '[redacted]', email: '[redacted]', city: 'Shanghai' },
      message: 'failed for [phone]',
      list: [{ fullName: '[redacted]' }, 'write to [email]'],
      count: 3,
    });
  });

  it('scrubs the message and stack of errors', () => {
    const out = scrub({ err: new Error('no route to +8613812345678') }) as { err: { message: string; stack: string } };
    expect(out.err.message).toBe('no route to [phone]');
    expect(out.err.stack).not.toContain('13812345678');
  });
});
