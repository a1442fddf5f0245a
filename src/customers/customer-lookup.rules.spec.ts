import { readCustomerLookup } from './customer-lookup.rules';

describe('readCustomerLookup', () => {
  it.each([
    '13812345678',
    '138 1234 5678',
    '138-1234-5678',
    '+86 138 1234 5678',
    '+86-138-1234-5678',
    '(+86) 138.1234.5678',
    '0086 13812345678',
    '  +8613812345678 ',
  ])('reads %j as the mobile number +8613812345678', (typed) => {
    expect(readCustomerLookup(typed)?.phone).toBe('+8613812345678');
  });

  it('reads four digits as a card’s last four, and as a reference', () => {
    expect(readCustomerLookup('4821')).toEqual({ externalRef: '4821', cardLast4: '4821' });
  });

  it('reads text with letters as a reference or part of a name, never a number', () => {
    expect(readCustomerLookup('CB00000001')).toEqual({ externalRef: 'CB00000001', name: 'CB00000001' });
    expect(readCustomerLookup(' 王  小明 ')).toEqual({ externalRef: '王 小明', name: '王 小明' });
  });

  it('does not read digits that are no mobile number as one (a reference may be digits)', () => {
    expect(readCustomerLookup('12345678')).toEqual({ externalRef: '12345678' });
    expect(readCustomerLookup('010-1234')).toEqual({ externalRef: '010-1234' });
  });

  it('reads a US number written with its country code', () => {
    expect(readCustomerLookup('+1 (415) 555-2671')?.phone).toBe('+14155552671');
  });

  it('has nothing to look for in an empty box', () => {
    expect(readCustomerLookup('   ')).toBeUndefined();
  });
});
