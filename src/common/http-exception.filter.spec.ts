import { QueryFailedError } from 'typeorm';
import { describeError } from './http-exception.filter';

const refused = (code: string, detail?: string) =>
  new QueryFailedError('INSERT …', [], Object.assign(new Error('refused'), { code, detail }));

describe('describeError', () => {
  it('answers a unique violation with 409 naming the fields, never their values', () => {
    const [status, error] = describeError(refused('23505', 'Key (kind, value)=(phone, +8613812345678) already exists.'));
    expect(status).toBe(409);
    expect(error).toEqual({
      code: 'ALREADY_EXISTS',
      message: 'a record with these values exists',
      details: [
        { field: 'kind', reason: 'is taken' },
        { field: 'value', reason: 'is taken' },
      ],
    });
    expect(JSON.stringify(error)).not.toContain('8613812345678');
    expect(describeError(refused('23505', 'Key (external_ref)=(X) already exists.'))[1].details).toEqual([
      { field: 'externalRef', reason: 'is taken' },
    ]);
  });

  it('answers a reference to nothing or a value PostgreSQL cannot take with 400', () => {
    expect(describeError(refused('23503', 'Key (segment_id)=(…) is not present in table "segments".'))).toEqual([
      400,
      {
        code: 'UNKNOWN_REFERENCE',
        message: 'a value refers to nothing that exists',
        details: [{ field: 'segmentId', reason: 'refers to nothing that exists' }],
      },
    ]);
    expect(describeError(refused('22003'))[0]).toBe(400);
    expect(describeError(refused('22P02'))[1].code).toBe('VALUE_NOT_ACCEPTED');
  });

  it('keeps every other database error a 500 without its internals', () => {
    expect(describeError(refused('42P01'))).toEqual([
      500,
      { code: 'INTERNAL_ERROR', message: 'something went wrong on our side' },
    ]);
  });

  it('passes on the body parser’s refusals: 413 for a body over the limit', () => {
    const tooLarge = Object.assign(new Error('request entity too large'), {
      status: 413,
      expose: true,
      type: 'entity.too.large',
    });
    expect(describeError(tooLarge)).toEqual([
      413,
      { code: 'PAYLOAD_TOO_LARGE', message: 'the request body is larger than this endpoint takes' },
    ]);
    const unexposed = Object.assign(new Error('stream broke'), { status: 500, expose: false });
    expect(describeError(unexposed)[0]).toBe(500);
  });
});
