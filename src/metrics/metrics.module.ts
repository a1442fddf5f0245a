import { createServer, Server } from 'node:http';
import {
  Controller,
  DynamicModule,
  Get,
  Global,
  Header,
  Injectable,
  Logger,
  MiddlewareConsumer,
  Module,
  NestMiddleware,
  NestModule,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { NextFunction, Request, Response } from 'express';
import { Registry } from 'prom-client';
import { Roles } from '../auth/roles.decorator';
import { AppConfig } from '../config/app-config';
import { createRegistry, HttpMetrics } from './metrics';

const CONTENT_TYPE = 'text/plain; version=0.0.4';

/** `/metrics` on the main port: for a key of role ops (Prometheus's `authorization` credentials). */
@ApiExcludeController()
@Controller('metrics')
class MetricsController {
  constructor(private readonly registry: Registry) {}

  @Get()
  @Roles('ops')
  @Header('Content-Type', CONTENT_TYPE)
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}

/** `/metrics` on a listener of its own (METRICS_PORT), nothing else there: no key, kept off the public network. */
@Injectable()
export class MetricsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server: Server | undefined;

  constructor(
    private readonly registry: Registry,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { port, host } = this.config.metrics;
    this.server = createServer((request, response) => {
      if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
        response.writeHead(404).end();
        return;
      }
      this.registry.metrics().then(
        (text) => response.writeHead(200, { 'Content-Type': CONTENT_TYPE }).end(text),
        () => response.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve, reject) => this.server!.once('error', reject).listen(port, host, resolve));
    this.logger.log(`metrics at http://${host}:${port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The port it listens on (the configured one, or the one given for port 0 in tests). */
  address(): number | undefined {
    const address = this.server?.address();
    return typeof address === 'object' && address ? address.port : undefined;
  }
}

@Injectable()
class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: HttpMetrics) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const stop = this.metrics.duration.startTimer();
    response.once('finish', () => {
      // The route pattern, never the raw path: ids would explode the label set.
      const route = request.route?.path ? `${request.baseUrl}${request.route.path}` : 'unmatched';
      stop({ method: request.method, route });
      this.metrics.requests.inc({ method: request.method, route, status: String(response.statusCode) });
    });
    next();
  }
}

/** Prometheus, behind a role or on a listener of its own (see MetricsConfig); features inject `Registry` to add series. */
@Global()
@Module({})
export class MetricsModule implements NestModule {
  static forRoot(config: AppConfig): DynamicModule {
    const apart = config.metrics.port !== undefined;
    return {
      module: MetricsModule,
      controllers: apart ? [] : [MetricsController],
      providers: [
        { provide: Registry, useFactory: createRegistry },
        { provide: HttpMetrics, inject: [Registry], useFactory: (registry: Registry) => new HttpMetrics(registry) },
        ...(apart ? [MetricsListener] : []),
      ],
      exports: [Registry],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
