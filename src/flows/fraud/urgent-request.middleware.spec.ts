import { EventEmitter } from 'node:events';
import { Request, Response } from 'express';
import { UrgentGate } from '../../dispatch/urgent-gate';
import { UrgentRequest } from './urgent-request.middleware';

describe('UrgentRequest', () => {
  it('holds bulk work from the request’s arrival until its answer has gone', async () => {
    const gate = new UrgentGate();
    const response = new EventEmitter();
    let passedOn = false;
    new UrgentRequest(gate).use({} as Request, response as unknown as Response, () => (passedOn = true));
    expect(passedOn).toBe(true);

    let cleared = false;
    const bulk = gate.clear().then(() => (cleared = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(cleared).toBe(false);

    response.emit('close');
    await bulk;
    expect(cleared).toBe(true);
  });
});
