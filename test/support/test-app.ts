import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app';
import { AppOptions } from '../../src/app.module';
import { Role } from '../../src/auth/role';
import { CreateUserDto } from '../../src/auth/dto/create-user.dto';
import { UsersService } from '../../src/auth/users.service';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { freePort } from '../../src/database/embedded-database';
import { createTestDatabase, TestDatabase } from './test-database';

export interface TestApp {
  app: INestApplication;
  http: TestAgent;
  db: DataSource;
  config: AppConfig;
  /** An API key for a new user with this role. */
  keyFor(role: Role): Promise<string>;
  /** A new user with this role and an API key: for tests that need to know who holds the key. */
  userFor(role: Role): Promise<{ id: string; key: string }>;
  /** A new user with this role who signs in to the console with the password returned. */
  consoleUser(role: Role, fields?: Partial<CreateUserDto>): Promise<{ id: string; username: string; password: string }>;
  close(): Promise<void>;
}

/**
 * Herald as the server runs it, on its own fresh database. The dispatcher loop is off unless the
 * test turns it on (`DISPATCH_ENABLED`); tests drive `Dispatcher.runBatch` themselves.
 */
export async function startTestApp(
  env: NodeJS.ProcessEnv = {},
  options: AppOptions & { listen?: boolean } = {},
): Promise<TestApp> {
  const database: TestDatabase = await createTestDatabase();
  // Listening, Herald is its own public URL: the sandbox posts its callbacks there.
  const port = options.listen ? await freePort() : undefined;
  const publicBaseUrl = port ? `http://127.0.0.1:${port}` : 'http://herald.test';
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    PUBLIC_BASE_URL: publicBaseUrl,
    DISPATCH_ENABLED: 'false',
    // Tests drive the alert job and the work-order sweep themselves, on their own clock.
    ALERTS_JOB_ENABLED: 'false',
    WORK_ORDER_SWEEP_ENABLED: 'false',
    SANDBOX_AUTO_CALLBACKS: port ? 'true' : 'false',
    // Tests send many requests from one address; the throttles' own tests set their limits.
    API_KEY_MAX_FAILURES: '100000',
    SIGN_IN_ATTEMPTS_PER_MINUTE: '10000',
    ...env,
  });
  let app: INestApplication | undefined;
  try {
    app = await createApp(config, database.url, options);
    if (port) await app.listen(port, '127.0.0.1');
    else await app.init();
  } catch (error) {
    // A start that fails (a test of bad templates, say) must not leave its connection pool behind:
    // its sockets and idle timers would keep the Jest worker from exiting.
    await app?.close().catch(() => undefined);
    await database.drop();
    throw error;
  }
  const users = app.get(UsersService);
  let count = 0;
  const userFor = async (role: Role) => {
    const user = await users.create({ username: `${role}-${++count}`, displayName: `Test ${role}`, role });
    return { id: user.id, key: (await users.issueKey(user.id, 'test')).key };
  };
  return {
    app,
    http: request(app.getHttpServer()),
    db: app.get(DataSource),
    config,
    async keyFor(role) {
      return (await userFor(role)).key;
    },
    userFor,
    async consoleUser(role, fields = {}) {
      const password = `correct horse ${role} ${++count}`;
      const user = await users.create({
        username: `${role}-${count}`,
        displayName: `Test ${role} ${count}`,
        role,
        password,
        ...fields,
      });
      return { id: user.id, username: user.username, password };
    },
    async close() {
      await app.close();
      await database.drop();
    },
  };
}
