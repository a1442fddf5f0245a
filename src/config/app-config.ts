import { InvalidConfigError, EnvReader } from './env-reader';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Every setting Herald reads, typed and validated once at start-up (see .env.example). */
export class AppConfig {
  readonly port: number;
  readonly host: string;
  /** Unset: Herald runs an embedded PostgreSQL with its data under `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly logLevel: LogLevel;
  /** The URL customers' providers reach Herald at; webhook signatures are computed over it. */
  readonly publicBaseUrl: string;
  /** Taken as the first admin's key on an empty database instead of a generated one. */
  readonly bootstrapAdminKey: string | undefined;

  constructor(values: AppConfig) {
    Object.assign(this, values);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv): AppConfig {
  const read = new EnvReader(env);
  const port = read.int('PORT', { default: 3000, min: 1, max: 65535 });
  const config = new AppConfig({
    port,
    host: read.string('HOST', { default: '0.0.0.0' })!,
    databaseUrl: read.url('DATABASE_URL', { protocols: ['postgres:', 'postgresql:'], optional: true }),
    dataDir: read.string('DATA_DIR', { default: './.data' })!,
    logLevel: read.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, {
      default: 'info',
    }),
    publicBaseUrl: read.url('PUBLIC_BASE_URL', { protocols: ['http:', 'https:'], default: `http://localhost:${port}` })!,
    bootstrapAdminKey: read.string('HERALD_ADMIN_KEY', { optional: true, minLength: 24 }),
  });
  read.assertValid();
  return config;
}

export { InvalidConfigError };
