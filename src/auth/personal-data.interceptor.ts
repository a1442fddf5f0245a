import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Request } from 'express';
import { map, Observable } from 'rxjs';
import { disclose, Subject, View } from './personal-data.rules';

export const DISCLOSES_KEY = 'herald:discloses';

export interface Disclosure {
  subject: Subject;
  view: View;
  /** Where in the response the subject is, when not the response itself (`message` of a simulation). */
  at?: string;
  /** A console page: its service discloses as it renders (there is no JSON to rewrite). */
  page?: boolean;
}

/**
 * Declares the personal data a route answers with: its subject and view. Each field is then shown
 * in clear or masked by the caller's role (personal-data.rules.ts) — a list or page of them, one
 * of them, or one under `at`. Tests walk every route and hold each to its declaration.
 */
export const Discloses = (subject: Subject, view: View, options: Pick<Disclosure, 'at' | 'page'> = {}) => {
  const declared = SetMetadata(DISCLOSES_KEY, { subject, view, ...options } satisfies Disclosure);
  return options.page ? declared : applyDecorators(declared, UseInterceptors(PersonalDataInterceptor));
};

@Injectable()
export class PersonalDataInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const disclosure = this.reflector.get<Disclosure>(DISCLOSES_KEY, context.getHandler());
    const role = context.switchToHttp().getRequest<Request>().principal?.role;
    return next.handle().pipe(map((result) => (disclosure ? discloseIn(disclosure, role, result) : result)));
  }
}

function discloseIn(disclosure: Disclosure, role: Parameters<typeof disclose>[2], result: unknown): unknown {
  if (result === null || typeof result !== 'object') return result;
  if (disclosure.at) {
    const inner = (result as Record<string, unknown>)[disclosure.at];
    return { ...result, [disclosure.at]: discloseIn({ ...disclosure, at: undefined }, role, inner) };
  }
  const one = (record: unknown) =>
    record && typeof record === 'object' ? disclose(disclosure.subject, disclosure.view, role, record) : record;
  if (Array.isArray(result)) return result.map(one);
  const items = (result as { items?: unknown }).items;
  if (Array.isArray(items)) return { ...result, items: items.map(one) };
  return one(result);
}
