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
    // National phone formats, as people type them into a search.
    ['call (415) 555-0100 back', 'call [phone] back'],
    ['415-555-0100', '[phone]'],
    ['415.555.0100', '[phone]'],
    ['tel 0755-12345678', 'tel [phone]'],
    ['021 6123 4567', '[phone]'],
    ['138 1234 5678', '[phone]'],
    ['138-1234-5678', '[phone]'],
    // Searches for a person in a URL, whatever the value says.
    ['GET /customers?name=杨俊杰&limit=5', 'GET /customers?name=[redacted]&limit=5'],
    ['/customers?name=%E6%9D%A8%E4%BF%8A%E6%9D%B0', '/customers?name=[redacted]'],
    ['/customers?limit=1&phone=(415)%20555-0100', '/customers?limit=1&phone=[redacted]'],
    ['/do-not-contact?value=zhang&kind=email', '/do-not-contact?value=[redacted]&kind=email'],
  ])('masks %p', (input, expected) => {
    expect(scrubText(input)).toBe(expected);
  });

  it.each([
    'attempt 42 took 1500 ms',
    'id 0b7c2d1e-9f3a-4c55-8e21-3a4b5c6d7e8f',
    'id 12345678-1234-4123-8123-123456789012',
    'due 2026-11-21T08:00:00+08:00',
    'on 2026-11-21 at 10:02',
    'last4 4821',
    'from 127.0.0.1 and 203.0.113.7:443',
    'herald 0.1.0, node 20.19.43',
    'GET /customers?limit=50&offset=100&status=open',
  ])('leaves ordinary text alone: %p', (text) => {
    expect(scrubText(text)).toBe(text);
  });
});

describe('scrub', () => {
  it('masks a name under any key that names one, in any script', () => {
    expect(scrub({ query: { name: '杨俊杰', limit: '5' }, fullName: 'Ada Lovelace', display_name: '王芳' })).toEqual({
      query: { name: '[redacted]', limit: '5' },
      fullName: '[redacted]',
      display_name: '[redacted]',
    });
  });

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
