import { keyedHash, personalValues } from './erasure.rules';

describe('personalValues', () => {
  it('finds every form of the phone and e-mail, longest first, each once', () => {
    expect(
      personalValues({ externalRef: 'C-77', fullName: '林可', phone: '+8613912345678', email: 'Lin.Ke@Example.com' }),
    ).toEqual(['Lin.Ke@Example.com', 'lin.ke@example.com', '+8613912345678', '8613912345678', '13912345678', 'C-77', '林可']);
  });

  it('keeps a foreign number whole apart from its plus, and skips what a customer does not have', () => {
    expect(personalValues({ externalRef: 'C-78', fullName: 'Ann Lee', phone: '+14155550100', email: null })).toEqual([
      '+14155550100',
      '14155550100',
      'Ann Lee',
      'C-78',
    ]);
  });
});

describe('keyedHash', () => {
  it('is stable for a key and value, and differs with the key', () => {
    expect(keyedHash('k1', '+8613912345678')).toBe(keyedHash('k1', '+8613912345678'));
    expect(keyedHash('k1', '+8613912345678')).not.toBe(keyedHash('k2', '+8613912345678'));
    expect(keyedHash('k1', '+8613912345678')).toMatch(/^erased:[0-9a-f]{32}$/);
  });
});
