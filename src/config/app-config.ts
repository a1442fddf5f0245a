import { AuthConfig, readAuthConfig } from '../auth/auth.config';
import { CampaignsConfig, readCampaignsConfig } from '../campaigns/campaigns.config';
import { ChannelsConfig, readChannelsConfig } from '../channels/channels.config';
import { ConsoleConfig, readConsoleConfig } from '../console/console.config';
import { PolicyConfig, readPolicyConfig } from '../compliance/policy.config';
import { DispatchConfig, readDispatchConfig } from '../dispatch/dispatch.config';
import { EventsConfig, readEventsConfig } from '../events/events.config';
import { HistoryConfig, readHistoryConfig } from '../history/history.config';
import { readRepaymentConfig, RepaymentConfig } from '../flows/repayment/repayment.config';
import { FraudConfig, readFraudConfig } from '../flows/fraud/fraud.config';
import { MetricsConfig, readMetricsConfig } from '../metrics/metrics.config';
import { readTemplatesConfig, TemplatesConfig } from '../templates/templates.config';
import { readWorkOrdersConfig, WorkOrdersConfig } from '../work-orders/work-orders.config';
import { InvalidConfigError, EnvReader } from './env-reader';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Every setting Herald reads, typed and validated once at start-up (see .env.example). */
export class AppConfig {
  readonly port: number;
  readonly host: string;
  /** Unset: Herald runs an embedded PostgreSQL with its data under `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** A streaming replica for the reads that may lag (reports, the contact log, exports, reachability, previews); unset, the primary. */
  readonly databaseReadUrl: string | undefined;
  readonly dataDir: string;
  readonly logLevel: LogLevel;
  /** The URL customers' providers reach Herald at; webhook signatures are computed over it. */
  readonly publicBaseUrl: string;
  /** Taken as the first admin's key on an empty database instead of a generated one. */
  readonly bootstrapAdminKey: string | undefined;
  /** Twilio, SMTP or the sandbox, and the pace of sending (see src/channels/channels.config.ts). */
  readonly channels: ChannelsConfig;
  /** The template library's directory and the centre's name and hotline (see src/templates/templates.config.ts). */
  readonly templates: TemplatesConfig;
  /** The contact rule packs as tightened by POLICY_OVERRIDES, and which country gets which (see docs/policy.md). */
  readonly policy: PolicyConfig;
  /** How the outbox is drained: batch size, concurrency, leases, retries (see src/dispatch/dispatch.config.ts). */
  readonly dispatch: DispatchConfig;
  /** The repayment, collections and activation job, and promise grace (see src/flows/repayment/repayment.config.ts). */
  readonly repayment: RepaymentConfig;
  /** Fraud rules, answer deadlines and the core-system notice (see docs/fraud.md). */
  readonly fraud: FraudConfig;
  /** Which campaigns need a second manager's approval, and unit prices for the launch estimate (see docs/console.md). */
  readonly campaigns: CampaignsConfig;
  /** Console sessions and cookies (see docs/console.md). */
  readonly console: ConsoleConfig;
  /** Sign-in throttling, API-key misses, the proxies trusted to name the client (see docs/security.md). */
  readonly auth: AuthConfig;
  /** The key of the hashes that replace an erased customer's personal values; unset, erasure is refused (docs/privacy.md). */
  readonly erasureHashKey: string | undefined;
  /** Where Prometheus scrapes: behind the ops role, or on a listener of its own (see src/metrics/metrics.config.ts). */
  readonly metrics: MetricsConfig;
  /** Outbound events: polling, batch, timeout and the 24 h of retries (see docs/events.md). */
  readonly events: EventsConfig;
  /** Alert rules' schedule, work orders' SLAs, staff notifications and quiet hours (see docs/alerts.md). */
  readonly workOrders: WorkOrdersConfig;
  /** Partitions of the history tables ahead, and how long each kind of data is kept (see docs/scaling.md, docs/privacy.md). */
  readonly history: HistoryConfig;

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
    databaseReadUrl: read.url('DATABASE_READ_URL', { protocols: ['postgres:', 'postgresql:'], optional: true }),
    dataDir: read.string('DATA_DIR', { default: './.data' })!,
    logLevel: read.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, {
      default: 'info',
    }),
    publicBaseUrl: read.url('PUBLIC_BASE_URL', { protocols: ['http:', 'https:'], default: `http://localhost:${port}` })!,
    bootstrapAdminKey: read.string('HERALD_ADMIN_KEY', { optional: true, minLength: 24 }),
    channels: readChannelsConfig(read),
    templates: readTemplatesConfig(read),
    policy: readPolicyConfig(read),
    dispatch: readDispatchConfig(read),
    repayment: readRepaymentConfig(read),
    fraud: readFraudConfig(read),
    campaigns: readCampaignsConfig(read),
    console: readConsoleConfig(read),
    auth: readAuthConfig(read),
    metrics: readMetricsConfig(read),
    erasureHashKey: read.string('ERASURE_HASH_KEY', { optional: true, minLength: 32 }),
    events: readEventsConfig(read),
    workOrders: readWorkOrdersConfig(read),
    history: readHistoryConfig(read),
  });
  read.assertValid();
  return config;
}

export { InvalidConfigError };
