import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { createApp } from './app';
import { AuthModule } from './auth/auth.module';
import { UsersService } from './auth/users.service';
import { AppConfig, InvalidConfigError, loadConfig } from './config/app-config';
import { EmbeddedDatabaseError, RunningDatabase, startEmbeddedDatabase } from './database/embedded-database';
import { migrate } from './database/migrate';

export interface RunningHerald {
  app: INestApplication;
  url: string;
  stop(): Promise<void>;
}

/** Starts Herald: the database (embedded unless DATABASE_URL), migrations, the HTTP server. */
export async function startHerald(config: AppConfig): Promise<RunningHerald> {
  const embedded: RunningDatabase | undefined = config.databaseUrl ? undefined : await startEmbeddedDatabase(config.dataDir);
  const databaseUrl = config.databaseUrl ?? embedded!.url;
  let app: INestApplication | undefined;
  try {
    await migrate(databaseUrl);
    app = await createApp(config, databaseUrl);
    const logger = app.get(Logger);
    const adminKey = await app.select(AuthModule).get(UsersService).bootstrapAdmin(config.bootstrapAdminKey);
    if (adminKey && !config.bootstrapAdminKey) {
      // Shown once, on the console only: it is not in the log stream and never stored.
      process.stdout.write(
        `\nFirst start: created user "admin" with API key\n\n    ${adminKey}\n\nKeep it; it will not be shown again.\n\n`,
      );
    }
    await app.listen(config.port, config.host);
    logger.log(`Herald listening on ${config.publicBaseUrl} (API docs at ${config.publicBaseUrl}/docs)`);
  } catch (error) {
    await app?.close();
    await embedded?.stop();
    throw error;
  }
  const running = app;
  let stopping: Promise<void> | undefined;
  return {
    app: running,
    url: config.publicBaseUrl,
    stop: () =>
      (stopping ??= (async () => {
        await running.close();
        await embedded?.stop();
      })()),
  };
}

/** SIGTERM/SIGINT: stop taking requests, finish those in flight, close the database, stop the server. */
export function stopOnSignals(herald: RunningHerald): void {
  const stop = (signal: string) => {
    herald.app.get(Logger).log(`${signal} received, shutting down`);
    const force = setTimeout(() => process.exit(1), 15_000).unref();
    herald.stop().then(
      () => {
        clearTimeout(force);
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

export function exitOnStartFailure(error: unknown): never {
  if (error instanceof InvalidConfigError) process.stderr.write(`${error.message}\n`);
  else if (error instanceof EmbeddedDatabaseError)
    process.stderr.write(`Herald could not start its embedded PostgreSQL: ${error.message}\n`);
  else process.stderr.write(`Herald could not start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
}

if (require.main === module) {
  Promise.resolve()
    .then(() => startHerald(loadConfig(process.env)))
    .then(stopOnSignals, exitOnStartFailure);
}
