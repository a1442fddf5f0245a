import { CUSTOMER_IMPORT_COLUMNS, NEW_CUSTOMER, WrittenCustomers } from '../customers/import/customer-batch.writer';
import { RecentEvent, SubjectProperty } from '../segments/segment-field.catalogue';
import { parseSegmentRule, SegmentRule } from '../segments/segment-rule.parser';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What an alert rule reads of the profile, and whether the calendar alone can move a customer in or out. */
export interface RuleReads {
  /**
   * Customer properties (entity names, e.g. `daysPastDue`) and kinds of recent events
   * (`freeTextReplies` …), sorted, each once: what a change must name to move a customer.
   */
  properties: (SubjectProperty | RecentEvent)[];
  /** It reads a day count (daysUntilDue, daysSinceLastCardActivity …) or an event window, which the calendar moves. */
  timeDriven: boolean;
}

/**
 * The profile properties a rule in the segment language reads. Parsing is the segment
 * compiler's own (one language): a rule it refuses is refused here with the same codes.
 */
export function ruleReads(rule: unknown): RuleReads {
  const properties = new Set<SubjectProperty | RecentEvent>();
  let timeDriven = false;
  const visit = (node: SegmentRule): void => {
    switch (node.kind) {
      case 'all':
      case 'any':
        node.rules.forEach(visit);
        return;
      case 'not':
        visit(node.rule);
        return;
      case 'condition': {
        const source = node.field.source;
        if (source.kind === 'minimumDuePaid') {
          properties.add('paidThisCycle');
          properties.add('minimumDue');
          return;
        }
        if (source.kind === 'scoreDrop') {
          // A change of score moves the customer in; the change ageing out of the window, the schedule.
          properties.add('creditScore');
          timeDriven = true;
          return;
        }
        if (source.kind === 'eventCount') {
          // Events age out of the window with no write: the scheduled run closes what they leave.
          properties.add(source.event);
          timeDriven = true;
          return;
        }
        properties.add(source.property);
        if (source.kind === 'days') timeDriven = true;
      }
    }
  };
  visit(parseSegmentRule(rule));
  return { properties: [...properties].sort(), timeDriven };
}

/**
 * Whether a change can move a customer in or out of a rule: `changed` undefined means "anything
 * may have changed" (an import, a payment, an inbound reply); otherwise the properties written.
 */
export function touches(reads: readonly string[], changed: readonly string[] | undefined): boolean {
  if (changed === undefined) return true;
  return changed.some((property) => reads.includes(property));
}

/** Each imported column's property name (`days_past_due` → `daysPastDue`), in column order. */
const IMPORT_PROPERTIES = CUSTOMER_IMPORT_COLUMNS.map((column) =>
  column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()),
);

/**
 * The customers of an import batch a rule must look at: those whose written columns it reads
 * (nobody else can have moved in or out of it by this batch), and every new customer.
 */
export function movedByImport(reads: readonly string[], written: WrittenCustomers): string[] {
  const mask = IMPORT_PROPERTIES.reduce((bits, property, i) => (reads.includes(property) ? bits | (1 << i) : bits), 0);
  return written.ids.filter((_, k) => written.changed[k] === NEW_CUSTOMER || (written.changed[k] & mask) !== 0);
}
