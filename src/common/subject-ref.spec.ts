import { parseSubjectRef, subjectRef, subjectRefPatternSql, subjectRefSql } from './subject-ref';

const CUSTOMER = '0b8f3c52-5a8e-4d47-9d0e-2f1c7a9e4b11';

describe('subject references', () => {
  it('build the strings the flows and the desk have always written', () => {
    expect(subjectRef.repay(CUSTOMER, '2026-12-15')).toBe(`repay:${CUSTOMER}:2026-12-15`);
    expect(subjectRef.collect(CUSTOMER, '2026-12-15')).toBe(`collect:${CUSTOMER}:2026-12-15`);
    expect(subjectRef.activate(CUSTOMER, '2026-11-30')).toBe(`activate:${CUSTOMER}:2026-11-30`);
    expect(subjectRef.callback('42')).toBe('callback:42');
    expect(subjectRef.disposition('42')).toBe('disposition:42');
    expect(subjectRef.fraudCase(CUSTOMER)).toBe(CUSTOMER);
  });

  it('parse back what they build', () => {
    expect(parseSubjectRef(subjectRef.repay(CUSTOMER, '2026-12-15'))).toEqual({
      kind: 'repay',
      customerId: CUSTOMER,
      dueDate: '2026-12-15',
    });
    expect(parseSubjectRef(subjectRef.collect(CUSTOMER, '2026-12-15'))).toEqual({
      kind: 'collect',
      customerId: CUSTOMER,
      dueDate: '2026-12-15',
    });
    expect(parseSubjectRef(subjectRef.activate(CUSTOMER, '2026-11-30'))).toEqual({
      kind: 'activate',
      customerId: CUSTOMER,
      cardIssuedOn: '2026-11-30',
    });
    expect(parseSubjectRef(subjectRef.callback(CUSTOMER))).toEqual({ kind: 'callback', dispositionId: CUSTOMER });
    expect(parseSubjectRef(subjectRef.disposition('42'))).toEqual({ kind: 'disposition', dispositionId: '42' });
    expect(parseSubjectRef(CUSTOMER)).toEqual({ kind: 'fraud_case', caseId: CUSTOMER });
  });

  it('name nothing for a string Herald does not write', () => {
    for (const ref of [
      '',
      'repay:',
      `repay:${CUSTOMER}`,
      `remind:${CUSTOMER}:2026-12-15`,
      'callback:',
      'disposition:',
      'case-1',
      `${CUSTOMER}x`,
    ])
      expect(parseSubjectRef(ref)).toBeUndefined();
  });

  it('in SQL, concatenate the same parts under the same prefix', () => {
    expect(subjectRefSql('repay', 'c.id', 'c.due_date')).toBe(`'repay:' || c.id || ':' || c.due_date`);
    expect(subjectRefSql('callback', 'd.id')).toBe(`'callback:' || d.id`);
    expect(subjectRefPatternSql('activate')).toBe(`'^activate:'`);
  });
});
