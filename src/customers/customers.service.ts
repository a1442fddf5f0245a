import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, QueryFailedError } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ListScope } from '../auth/agent-access.service';
import { HELD_CUSTOMER_SQL } from '../auth/agent-access.repository';
import { AlertEvaluator } from '../alerts/alert-evaluator.service';
import { Clock } from '../common/clock';
import { DomainError, NotFoundError, ValidationFailedError } from '../common/domain-error';
import { CursorPage, decodeCursor, encodeCursor } from '../common/pagination';
import { validateCustomerChanges, validateCustomerRow } from './customer-row.validator';
import { readCustomerLookup } from './customer-lookup.rules';
import { Customer } from './customer.entity';
import { CreateCustomerDto } from './dto/create-customer.dto';
import { SearchCustomersDto } from './dto/search-customers.dto';
import { UpdateCustomerDto } from './dto/update-customer.dto';
import { normalisePhone } from './phone-number.normalizer';
import { sqlOf } from '../database/sql';

@Injectable()
export class CustomersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly alerts: AlertEvaluator,
  ) {}

  async create(input: CreateCustomerDto): Promise<Customer> {
    const checked = validateCustomerRow({ ...input }, { source: 'json' });
    if ('problems' in checked) throw new ValidationFailedError(checked.problems);
    const { consent: _none, ...profile } = checked.value;
    const now = this.clock.now();
    try {
      const { identifiers } = await this.db
        .getRepository(Customer)
        .insert(columns({ ...profile, createdAt: now, updatedAt: now }));
      return await this.get(identifiers[0].id as string);
    } catch (error) {
      throw uniqueViolation(error) ? externalRefTaken() : error;
    }
  }

  async get(id: string): Promise<Customer> {
    const customer = await this.db.getRepository(Customer).findOneBy({ id });
    if (!customer) throw new NotFoundError('customer', id);
    return customer;
  }

  async update(id: string, input: UpdateCustomerDto): Promise<Customer> {
    const current = await this.get(id);
    const checked = validateCustomerChanges({ ...input }, current);
    if ('problems' in checked) throw new ValidationFailedError(checked.problems);
    const changed = Object.keys(checked.value);
    if (changed.length) {
      // The rules reading what changed are evaluated in the same transaction: an alert and its cause commit together.
      await this.db.transaction(async (m) => {
        await m.getRepository(Customer).update(id, columns({ ...checked.value, updatedAt: this.clock.now() }));
        await this.alerts.onChange([id], changed, sqlOf(m));
      });
    }
    return this.get(id);
  }

  /** Filters combine with AND; results in external reference order. In a list scope, only an agent's customers. */
  async search(query: SearchCustomersDto, scope?: ListScope): Promise<CursorPage<Customer>> {
    const q = this.db.getRepository(Customer).createQueryBuilder('c');
    if (scope) q.andWhere(HELD_CUSTOMER_SQL('c.id', ':heldBy'), { heldBy: scope.heldBy });
    if (query.externalRef) q.andWhere('c.external_ref = :externalRef', { externalRef: query.externalRef });
    if (query.phone) q.andWhere('c.phone = :phone', { phone: searchPhone(query.phone) });
    if (query.email) q.andWhere('lower(c.email) = lower(:email)', { email: query.email.trim() });
    if (query.name) q.andWhere("c.full_name ILIKE :name ESCAPE '\\'", { name: `%${likeEscaped(query.name)}%` });
    if (query.cardStatus) q.andWhere('c.card_status = :cardStatus', { cardStatus: query.cardStatus });
    if (query.riskLevel) q.andWhere('c.risk_level = :riskLevel', { riskLevel: query.riskLevel });
    if (query.tag) q.andWhere('c.tags @> ARRAY[:tag]::text[]', { tag: query.tag });
    if (query.cardLast4) q.andWhere('c.card_last4 = :cardLast4', { cardLast4: query.cardLast4 });
    const lookup = query.q === undefined ? undefined : readCustomerLookup(query.q);
    if (lookup) {
      const readings = ['c.external_ref = :lookupRef'];
      if (lookup.phone) readings.push('c.phone = :lookupPhone');
      if (lookup.cardLast4) readings.push('c.card_last4 = :lookupCard');
      if (lookup.name) readings.push("c.full_name ILIKE :lookupName ESCAPE '\\'");
      q.andWhere(new Brackets((or) => readings.forEach((reading) => or.orWhere(reading))), {
        lookupRef: lookup.externalRef,
        lookupPhone: lookup.phone,
        lookupCard: lookup.cardLast4,
        lookupName: lookup.name && `%${likeEscaped(lookup.name)}%`,
      });
    }
    const total = await q.getCount();
    // Keyset on the unique reference the list is sorted by: page 10 000 costs what page 1 does.
    const after = decodeCursor(query, [/^\P{Cc}{1,200}$/u]);
    if (after) q.andWhere('c.external_ref > :after', { after: after[0] });
    const rows = await q
      .orderBy('c.external_ref', 'ASC')
      .take(query.limit + 1)
      .skip(after ? 0 : query.offset)
      .getMany();
    const items = rows.slice(0, query.limit);
    const next = rows.length > query.limit ? encodeCursor([items[items.length - 1].externalRef]) : undefined;
    return { items, total, limit: query.limit, offset: query.offset, ...(next ? { next } : {}) };
  }
}

/** TypeORM's partial-entity type cannot see through `Record<string, unknown>` (the attributes); the values are checked. */
const columns = (values: Partial<Customer>) => values as QueryDeepPartialEntity<Customer>;

/** Searching by a number as people write it finds it as stored; a number that cannot be one is a 400. */
function searchPhone(raw: string): string {
  const checked = normalisePhone(raw, 'CN');
  if ('reason' in checked) throw new ValidationFailedError([{ field: 'phone', reason: checked.reason }]);
  return checked.e164;
}

function likeEscaped(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function uniqueViolation(error: unknown): boolean {
  return error instanceof QueryFailedError && (error as { code?: string }).code === '23505';
}

const externalRefTaken = () =>
  new DomainError('CUSTOMER_EXTERNAL_REF_TAKEN', 'a customer with this external reference exists', HttpStatus.CONFLICT, [
    { field: 'externalRef', reason: 'is taken' },
  ]);
