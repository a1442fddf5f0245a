import { Injectable, NestMiddleware } from '@nestjs/common';
import { NextFunction, Request, Response } from 'express';
import { UrgentGate } from '../../dispatch/urgent-gate';

/**
 * A card transaction is urgent from the moment it arrives: the core system waits for the
 * decision, and a suspect's customer for the SMS. Bulk sending in this process gives way until the
 * answer has gone, through authentication and validation as well as the screening itself; by then
 * this process's urgent lane (if it runs here) holds the gate for the SMS.
 */
@Injectable()
export class UrgentRequest implements NestMiddleware {
  constructor(private readonly gate: UrgentGate) {}

  use(_request: Request, response: Response, next: NextFunction): void {
    this.gate.enter();
    // 'close' comes after the answer is sent and also when the client goes away first.
    response.once('close', () => this.gate.leave());
    next();
  }
}
