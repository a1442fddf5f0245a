import { EntityManager } from 'typeorm';
import { sqlOne, SqlRunner } from '../database/sql';

/** Whether the customer exists (a 404 before anything else is read or written). */
export async function customerExists(on: SqlRunner, customerId: string): Promise<boolean> {
  return (await sqlOne<object>(on, `SELECT 1 FROM customers WHERE id = $1`, [customerId])) !== undefined;
}

/**
 * Locks the customer's row for the caller's transaction, so that changes to one customer (consent,
 * a disposition's outcome) are made one after another; false if there is no such customer. NO KEY
 * UPDATE: the rows that only refer to the customer (a send's attempt) are still written meanwhile.
 */
export async function lockCustomer(m: EntityManager, customerId: string): Promise<boolean> {
  return (await sqlOne<object>(m, `SELECT 1 FROM customers WHERE id = $1 FOR NO KEY UPDATE`, [customerId])) !== undefined;
}
