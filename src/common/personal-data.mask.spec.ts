import fc from 'fast-check';
import { maskAddress, maskEmail, maskName, maskPhone } from './personal-data.mask';

describe('personal data masks', () => {
  it.each([
    ['王芳', '王*'],
    ['欧阳娜娜', '欧***'],
    ['Li Wei', 'L*****'],
    ['X', 'X*'],
    ['', '*'],
  ])('masks the name %s as %s', (name, masked) => expect(maskName(name)).toBe(masked));

  it.each([
    ['+8613812345678', '+86138****5678'],
    ['+12125550123', '+121****0123'],
    ['+447400123456', '+4474****3456'],
    ['+6591234567', '+659****567'],
    ['+6831234', '+6****34'],
    ['123', '***'],
  ])('masks the phone %s as %s', (phone, masked) => expect(maskPhone(phone)).toBe(masked));

  it('never shows more than ten characters of a phone, always hides at least four, and keeps its length', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\+[1-9]\d{6,14}$/), (phone) => {
        const masked = maskPhone(phone);
        expect(masked).toHaveLength(phone.length);
        const shown = masked.replace(/\*/g, '').length;
        expect(shown).toBeLessThanOrEqual(10);
        expect(shown).toBeLessThanOrEqual(phone.length - 4);
      }),
    );
  });

  it.each([
    ['zhang.wei@example.com', 'z********@example.com'],
    ['a@b.cn', 'a*@b.cn'],
    ['no-at-sign', 'n*********'],
  ])('masks the e-mail %s as %s', (email, masked) => expect(maskEmail(email)).toBe(masked));

  it('masks an address as the kind it is', () => {
    expect(maskAddress('+8613812345678')).toBe('+86138****5678');
    expect(maskAddress('li.na@example.cn')).toBe('l****@example.cn');
  });
});
