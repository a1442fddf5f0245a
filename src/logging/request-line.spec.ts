import { IncomingMessage } from 'node:http';
import { describeRequest, loggedQuery } from './request-line';

describe('a request as its log line shows it', () => {
  it('keeps paging, enumerations and ids; redacts every search value, however it is written', () => {
    expect(
      loggedQuery({
        name: '杨俊杰',
        phone: '(415) 555-0100',
        email: 'li@example.com',
        externalRef: 'CRM-1',
        limit: '50',
        offset: '100',
        status: 'open',
        cardStatus: ['active', 'blocked'],
      }),
    ).toEqual({
      name: '[redacted]',
      phone: '[redacted]',
      email: '[redacted]',
      externalRef: '[redacted]',
      limit: '50',
      offset: '100',
      status: 'open',
      cardStatus: ['active', 'blocked'],
    });
  });

  it('redacts a plain parameter whose value does not look like one, and odd parameter names', () => {
    expect(loggedQuery({ status: 'open now 13812345678', ['杨俊杰']: '1' })).toEqual({
      status: '[redacted]',
      '[redacted]': '[redacted]',
    });
    expect(loggedQuery({})).toBeUndefined();
    expect(loggedQuery(undefined)).toBeUndefined();
  });

  it('names the route by its template, and no route as unmatched', () => {
    const request = (route?: string) =>
      ({ method: 'GET', route: route && { path: route }, baseUrl: '', query: {} }) as unknown as IncomingMessage;
    expect(describeRequest(request('/customers/:id'))).toEqual({ method: 'GET', route: '/customers/:id' });
    expect(describeRequest(request('/{*path}')).route).toBe('unmatched');
    expect(describeRequest(request()).route).toBe('unmatched');
  });
});
