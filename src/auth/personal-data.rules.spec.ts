import { clearFields, disclose, discloseField, IN_CLEAR, PERSONAL_FIELDS, Subject } from './personal-data.rules';
import { ROLES } from './role';

const customer = {
  id: 'c1',
  fullName: 'Ada Lovelace',
  phone: '+8613812345678',
  email: 'ada@example.org',
  creditScore: 700,
  city: 'London',
};

describe('personal data by role', () => {
  it('shows no role anything in clear in a list', () => {
    for (const role of ROLES)
      for (const subject of Object.keys(PERSONAL_FIELDS) as Subject[]) expect(clearFields(subject, 'list', role)).toEqual([]);
  });

  it('names the job behind every field shown in clear, and only fields that exist', () => {
    for (const role of ROLES) {
      for (const [subject, views] of Object.entries(IN_CLEAR[role])) {
        for (const clearance of Object.values(views ?? {})) {
          expect(clearance!.because.length).toBeGreaterThan(10);
          for (const field of clearance!.fields) expect(Object.keys(PERSONAL_FIELDS[subject as Subject])).toContain(field);
        }
      }
    }
  });

  it('shows integrations nothing that names a person', () => {
    for (const subject of Object.keys(PERSONAL_FIELDS) as Subject[])
      for (const view of ['list', 'detail'] as const) expect(clearFields(subject, view, 'integration')).toEqual([]);
  });

  it('masks a customer in a list for everyone, and withholds the credit score', () => {
    expect(disclose('customer', 'list', 'ops', customer)).toEqual({
      id: 'c1',
      fullName: 'A***********',
      phone: '+86138****5678',
      email: 'a**@example.org',
      creditScore: null,
      city: 'London',
    });
  });

  it('shows an agent, on the customer of its task, the name to ask for and nothing else', () => {
    expect(disclose('customer', 'detail', 'agent', customer)).toMatchObject({
      fullName: 'Ada Lovelace',
      phone: '+86138****5678',
      email: 'a**@example.org',
      creditScore: null,
    });
  });

  it('shows ops and admins a profile opened on purpose in clear; a campaign manager only the score', () => {
    expect(disclose('customer', 'detail', 'ops', customer)).toEqual(customer);
    expect(disclose('customer', 'detail', 'admin', customer)).toEqual(customer);
    expect(disclose('customer', 'detail', 'campaign_manager', customer)).toMatchObject({
      fullName: 'A***********',
      creditScore: 700,
    });
  });

  it('masks nobody’s absent fields, and a caller without a role sees nothing in clear', () => {
    expect(disclose('customer', 'detail', 'ops', { id: 'c2', phone: null })).toEqual({ id: 'c2', phone: null });
    expect(disclose('customer', 'detail', undefined, customer).fullName).toBe('A***********');
  });

  it('discloses one field as the record would be', () => {
    expect(discloseField('customer', 'fullName', 'list', 'agent', '王芳')).toBe('王*');
    expect(discloseField('customer', 'fullName', 'detail', 'agent', '王芳')).toBe('王芳');
    expect(discloseField('customer', 'phone', 'detail', 'agent', null)).toBeNull();
  });
});
