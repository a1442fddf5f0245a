import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { PUBLIC_KEY, ROLES_KEY } from '../../src/auth/roles.decorator';
import { startTestApp, TestApp } from '../support/test-app';

/** The guard refuses undeclared routes; this keeps every route deliberate about who may use it. */
describe('every route of the application', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('declares its roles or says it is public', () => {
    const reflector = t.app.get(Reflector);
    const scanner = new MetadataScanner();
    const routes: string[] = [];
    const undeclared: string[] = [];
    for (const module of t.app.get(ModulesContainer).values()) {
      for (const { metatype } of module.controllers.values()) {
        const controller = metatype as unknown as (new () => object) & { prototype: Record<string, () => void> };
        for (const name of scanner.getAllMethodNames(controller.prototype)) {
          const handler = controller.prototype[name];
          const method = Reflect.getMetadata(METHOD_METADATA, handler);
          if (method === undefined) continue;
          const route = `${RequestMethod[method]} ${Reflect.getMetadata(PATH_METADATA, controller)}/${Reflect.getMetadata(PATH_METADATA, handler)}`;
          routes.push(route);
          const targets = [handler, controller];
          if (!reflector.getAllAndOverride(ROLES_KEY, targets) && !reflector.getAllAndOverride(PUBLIC_KEY, targets)) {
            undeclared.push(route);
          }
        }
      }
    }
    expect(routes.length).toBeGreaterThan(5);
    expect(undeclared).toEqual([]);
  });
});
