import { CustomerRow } from '../customer-row.validator';
import { CustomerIdGenerator } from './customer-id.generator';

/**
 * Validated rows as PostgreSQL's COPY text, ready for the import's batch writer
 * (customer-batch.writer.ts). No database here: this runs on the import's worker thread.
 */

/** Where a consent row came from: stored in the ledger's evidence with the row's number. */
export type ConsentEvidence = Record<string, string | number>;

/** One lane's rows of one flush, as COPY text, and the ids of its customers (when `afterBatch` wants them). */
export interface EncodedBatch {
  profiles: Buffer[];
  consent: Buffer[];
  rows: number;
  ids: string[];
}

/**
 * One COPY stream's text for the batch being built, written as UTF-8 into a buffer as each line
 * is made. Lines die young, and a batch waiting to be sent lives outside the JavaScript heap:
 * kept as strings until the flush, a batch was most of what the garbage collector worked on.
 */
class CopyBuffer {
  private buffer: Buffer | undefined;
  private length = 0;
  private capacity = 1 << 20;

  push(line: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const room = line.length * 3;
    if (!this.buffer || this.length + room > this.buffer.length) this.grow(room);
    this.length += this.buffer!.write(line, this.length);
  }

  /** The text so far; the next line starts a new buffer, as this one may still be on its way to the database. */
  take(): Buffer[] {
    const text = this.buffer && this.length ? [this.buffer.subarray(0, this.length)] : [];
    this.buffer = undefined;
    this.length = 0;
    return text;
  }

  private grow(room: number): void {
    while (this.length + room > this.capacity) this.capacity *= 2;
    const bigger = Buffer.allocUnsafe(this.capacity);
    this.buffer?.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }
}

interface EncoderLane {
  profiles: CopyBuffer;
  consent: CopyBuffer;
  rows: number;
  ids: string[];
}

export interface EncoderOptions {
  lanes: number;
  evidence: ConsentEvidence;
  /** Keep each batch's customer ids (for `afterBatch`). */
  withIds: boolean;
}

/**
 * The Node half of a batch writer, without a connection, so that it can run on a worker thread
 * (import-rows.worker.ts): validated rows encoded once as COPY text, each with an id made here,
 * spread over the lanes by external reference (all rows of one customer on one lane, in file
 * order), its consent entries citing that id.
 */
export class CustomerRowEncoder {
  private readonly ids = new CustomerIdGenerator();
  /** `{"importId":"…","row":` as COPY text: each consent entry's evidence, up to its row number. */
  private readonly evidencePrefix: string;
  private readonly lanes: EncoderLane[];

  constructor(private readonly options: EncoderOptions) {
    const evidence = JSON.stringify(options.evidence);
    this.evidencePrefix = text(`${evidence.slice(0, -1)}${evidence === '{}' ? '' : ','}"row":`);
    this.lanes = Array.from({ length: options.lanes }, () => ({
      profiles: new CopyBuffer(),
      consent: new CopyBuffer(),
      rows: 0,
      ids: [],
    }));
  }

  /** Queues a row for the next `take`; `stamp` is its batch's time (created_at, updated_at, the consent entries' at). */
  add(row: CustomerRow, rowNumber: number, stamp: string): void {
    const lane = this.lanes.length === 1 ? this.lanes[0] : this.lanes[hash(row.externalRef) % this.lanes.length];
    const id = this.ids.next();
    lane.profiles.push(encodeProfileLine(id, row, stamp));
    if (this.options.withIds) lane.ids.push(id);
    const { sms, email, call } = row.consent;
    if (sms) lane.consent.push(this.consentLine(id, 'sms', sms, rowNumber, stamp));
    if (email) lane.consent.push(this.consentLine(id, 'email', email, rowNumber, stamp));
    if (call) lane.consent.push(this.consentLine(id, 'call', call, rowNumber, stamp));
    lane.rows++;
  }

  /** What was queued since the last take, a batch per lane. */
  take(): EncodedBatch[] {
    return this.lanes.map((lane) => {
      const batch = { profiles: lane.profiles.take(), consent: lane.consent.take(), rows: lane.rows, ids: lane.ids };
      lane.rows = 0;
      lane.ids = [];
      return batch;
    });
  }

  private consentLine(id: string, channel: string, state: string, rowNumber: number, stamp: string): string {
    return `${id}\t${channel}\tmarketing\t${state}\timport\t${this.evidencePrefix}${rowNumber}}\t${stamp}\n`;
  }
}

/** FNV-1a: a cheap, stable spread of external references over lanes. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** One validated profile as a line of PostgreSQL's COPY text format: the writer's `PROFILE_COLUMNS`, in order. */
export function encodeProfileLine(id: string, row: CustomerRow, stamp: string): string {
  // Tags are letters, digits and _.:- only (see the validator), so quoting each is enough.
  const tags = row.tags.length ? `{"${row.tags.join('","')}"}` : '{}';
  return (
    `${id}\t${text(row.externalRef)}\t${text(row.fullName)}\t${nullable(row.phone)}\t${nullable(row.email)}\t` +
    `${row.locale}\t${row.timezone}\t${row.country}\t${nullable(row.city)}\t${nullable(row.cardLast4)}\t${row.cardStatus}\t` +
    `${row.currency}\t${row.creditLimit}\t${row.statementBalance}\t${row.minimumDue}\t${row.paidThisCycle}\t` +
    `${nullable(row.statementDate)}\t${nullable(row.dueDate)}\t${row.daysPastDue}\t${row.riskLevel}\t` +
    `${row.creditScore ?? NULL}\t${nullable(row.cardIssuedOn)}\t${row.lastCardActivityAt?.toISOString() ?? NULL}\t` +
    `${tags}\t${text(JSON.stringify(row.attributes))}\t${stamp}\t${stamp}\n`
  );
}

const NULL = '\\N';
const SPECIAL = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function text(value: string): string {
  return SPECIAL.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]) : value;
}

function nullable(value: string | null): string {
  return value === null ? NULL : text(value);
}
