/**
 * What a contact task, an attempt or a work order is about (`subject_ref`), as one string the
 * database can key on: a flow's cycle for a customer (`repay:<customer>:<due date>`,
 * `collect:<customer>:<due date>`, `activate:<customer>:<card issue date>`), an agent's booked call
 * back (`callback:<disposition>`), a conversation an agent recorded without a call Herald placed
 * (`disposition:<disposition>`) or a fraud case (its id, bare). Built and read here only; the
 * flows' steps are numbered per subject, and a unique index on (subject, step) keeps a rerun from
 * queueing twice.
 *
 * Where a prefix stands in an index's predicate (`subject_ref ~ '^(repay|collect|activate):'` in
 * the migrations, and the ON CONFLICT clauses that must name that predicate word for word) the
 * SQL keeps it literally.
 */
export type SubjectRef =
  | { kind: 'repay'; customerId: string; dueDate: string }
  | { kind: 'collect'; customerId: string; dueDate: string }
  | { kind: 'activate'; customerId: string; cardIssuedOn: string }
  | { kind: 'callback'; dispositionId: string }
  | { kind: 'disposition'; dispositionId: string }
  | { kind: 'fraud_case'; caseId: string };

/** The kinds written as `<kind>:…`; a fraud case's reference is its id alone. */
export type PrefixedSubjectKind = Exclude<SubjectRef['kind'], 'fraud_case'>;

const CASE_ID = /^[0-9a-f-]{36}$/;
const CYCLE = /^(repay|collect|activate):([0-9a-f-]{36}):(\d{4}-\d{2}-\d{2})$/;
const DISPOSITION = /^(callback|disposition):(.+)$/;

export const subjectRef = {
  repay: (customerId: string, dueDate: string) => `repay:${customerId}:${dueDate}`,
  collect: (customerId: string, dueDate: string) => `collect:${customerId}:${dueDate}`,
  activate: (customerId: string, cardIssuedOn: string) => `activate:${customerId}:${cardIssuedOn}`,
  callback: (dispositionId: string) => `callback:${dispositionId}`,
  disposition: (dispositionId: string) => `disposition:${dispositionId}`,
  fraudCase: (caseId: string) => caseId,
};

/** What a reference names, or undefined for one Herald does not write. */
export function parseSubjectRef(ref: string): SubjectRef | undefined {
  if (CASE_ID.test(ref)) return { kind: 'fraud_case', caseId: ref };
  const cycle = CYCLE.exec(ref);
  if (cycle) {
    const [, kind, customerId, date] = cycle;
    return kind === 'activate'
      ? { kind, customerId, cardIssuedOn: date }
      : { kind: kind as 'repay' | 'collect', customerId, dueDate: date };
  }
  const disposition = DISPOSITION.exec(ref);
  return disposition ? { kind: disposition[1] as 'callback' | 'disposition', dispositionId: disposition[2] } : undefined;
}

/**
 * The same references built in SQL, from column expressions: `subjectRefSql('repay', 'c.id',
 * 'c.due_date')` is `'repay:' || c.id || ':' || c.due_date`. A date column concatenates as
 * ISO (YYYY-MM-DD) under PostgreSQL's default DateStyle, as `subjectRef` writes it.
 */
export function subjectRefSql(kind: PrefixedSubjectKind, ...parts: [string, ...string[]]): string {
  return `'${kind}:' || ${parts.join(` || ':' || `)}`;
}

/** A regular expression matching the references of `kind`, for `subject_ref ~ …`. */
export function subjectRefPatternSql(kind: PrefixedSubjectKind): string {
  return `'^${kind}:'`;
}
