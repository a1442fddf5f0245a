import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Customer } from '../../src/customers/customer.entity';
import { ContactTask, PURPOSE_PRIORITY } from '../../src/dispatch/contact-task.entity';

let serial = 0;

/** Rows in a real database, with defaults a reader need not think about. */
export const store = {
  async customer(db: DataSource, overrides: Partial<Customer> = {}): Promise<Customer> {
    const n = ++serial;
    return db.getRepository(Customer).save({
      externalRef: `CUST-${randomUUID().slice(0, 8)}`,
      fullName: `测试客户${n}`,
      phone: `+86138${String(10_000_000 + n).slice(-8)}`,
      email: `customer${n}@example.cn`,
      locale: 'zh-CN',
      timezone: 'Asia/Shanghai',
      country: 'CN',
      cardLast4: '4821',
      currency: 'CNY',
      creditLimit: 5_000_000,
      statementBalance: 123_450,
      minimumDue: 12_345,
      dueDate: '2026-11-25',
      statementDate: '2026-11-05',
      ...overrides,
    });
  },

  async task(db: DataSource, customer: Customer, overrides: Partial<ContactTask> = {}): Promise<ContactTask> {
    const purpose = overrides.purpose ?? 'service';
    return db.getRepository(ContactTask).save({
      customerId: customer.id,
      purpose,
      channel: 'sms',
      templateKey: 'repayment-reminder-before-due',
      priority: PURPOSE_PRIORITY[purpose],
      dueAt: new Date('2026-01-01T00:00:00Z'),
      ...overrides,
    });
  },
};
