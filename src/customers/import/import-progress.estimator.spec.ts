import { CustomerImport } from './customer-import.entity';
import { describeImport, estimateRowsTotal } from './import-progress.estimator';

const job = (changes: Partial<CustomerImport>): CustomerImport =>
  Object.assign(new CustomerImport(), {
    id: 'a1b2',
    format: 'csv',
    mode: 'partial',
    status: 'running',
    rowsDone: 0,
    rowsInserted: 0,
    rowsUpdated: 0,
    rejectedCount: 0,
    rowsTotal: null,
    rowsTotalBasis: 'unknown',
    bytesDone: 0,
    bytesTotal: null,
    errorCode: null,
    errorMessage: null,
    errorDetails: [],
    createdAt: new Date('2025-03-14T01:59:59Z'),
    startedAt: new Date('2025-03-14T02:00:00Z'),
    finishedAt: null,
    ...changes,
  });

describe('describeImport', () => {
  it('works out rate, share done and time left of a running import at the instant asked', () => {
    const view = describeImport(
      job({ rowsDone: 200_000, rowsTotal: 1_000_000, rowsTotalBasis: 'declared' }),
      new Date('2025-03-14T02:00:10Z'),
    );
    expect(view).toMatchObject({ rowsPerSecond: 20_000, percent: 20, etaSeconds: 40, error: null });
  });

  it('has no rate before the first rows and no time left without a total or once finished', () => {
    expect(describeImport(job({}), new Date('2025-03-14T02:00:05Z'))).toMatchObject({
      rowsPerSecond: null,
      etaSeconds: null,
      percent: null,
    });
    expect(describeImport(job({ rowsDone: 500 }), new Date('2025-03-14T02:00:05Z'))).toMatchObject({
      rowsPerSecond: 100,
      etaSeconds: null,
    });
    const finished = job({ status: 'succeeded', rowsDone: 500, rowsTotal: 500, finishedAt: new Date('2025-03-14T02:00:02Z') });
    expect(describeImport(finished, new Date('2025-03-15T00:00:00Z'))).toMatchObject({
      rowsPerSecond: 250,
      etaSeconds: null,
      percent: 100,
    });
  });

  it('shows a failure with its code and details', () => {
    const failed = job({
      status: 'failed',
      errorCode: 'IMPORT_BAD_HEADER',
      errorMessage: 'no',
      errorDetails: [{ field: 'x', reason: 'y' }],
    });
    expect(describeImport(failed, new Date()).error).toEqual({
      code: 'IMPORT_BAD_HEADER',
      message: 'no',
      details: [{ field: 'x', reason: 'y' }],
    });
  });
});

describe('estimateRowsTotal', () => {
  it("prefers the caller's declared total", () => {
    expect(estimateRowsTotal({ rowsDone: 10, bytesDone: 100 }, 5_000, 1_000_000)).toEqual({
      rowsTotal: 5_000,
      rowsTotalBasis: 'declared',
    });
  });

  it('scales the rows read by the share of the body read, never below the rows read', () => {
    expect(estimateRowsTotal({ rowsDone: 1_000, bytesDone: 250_000 }, undefined, 1_000_000)).toEqual({
      rowsTotal: 4_000,
      rowsTotalBasis: 'estimated',
    });
    expect(estimateRowsTotal({ rowsDone: 1_000, bytesDone: 2_000_000 }, undefined, 1_000_000).rowsTotal).toBe(1_000);
  });

  it('leaves the total unknown without a length or before any row', () => {
    expect(estimateRowsTotal({ rowsDone: 1_000, bytesDone: 250_000 }, undefined, undefined)).toEqual({
      rowsTotal: null,
      rowsTotalBasis: 'unknown',
    });
    expect(estimateRowsTotal({ rowsDone: 0, bytesDone: 0 }, undefined, 1_000)).toEqual({
      rowsTotal: null,
      rowsTotalBasis: 'estimated',
    });
  });
});
