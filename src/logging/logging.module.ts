import { ServerResponse } from 'node:http';
import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { Params } from 'nestjs-pino/params';
import { Options } from 'pino-http';
import pino, { DestinationStream } from 'pino';
import { AppConfig } from '../config/app-config';
import { correlationIdOf } from './correlation-id';
import { describeRequest, RequestLine } from './request-line';
import { scrub, scrubText } from './scrub';

/**
 * Structured JSON logs, one line per request and per event, scrubbed of personal data. A request's
 * line names its route's template and its query scrubbed (request-line.ts) — never the path or the
 * query as sent, which may hold a name or a phone number; lines logged while it runs carry only
 * its correlation id.
 */
export function loggerOptions(level: string, destination?: DestinationStream): Params {
  const options: Options = {
    level,
    genReqId: correlationIdOf,
    customAttributeKeys: { reqId: 'correlationId' },
    // The request is described once it is answered, when its route is known.
    quietReqLogger: true,
    quietResLogger: true,
    customSuccessObject: (req, _res, value) => ({ ...value, req: describeRequest(req) }),
    customErrorObject: (req, _res, _error, value) => ({ ...value, req: describeRequest(req) }),
    serializers: {
      // pino-http wraps the request serializer; what it wraps here is already the line (above).
      req: (req: { raw: RequestLine }) => req.raw,
      res: (res: { raw: ServerResponse }) => ({ statusCode: res.raw.statusCode }),
      err: pino.stdSerializers.err,
    },
    formatters: { log: (object) => scrub(object) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map(scrubArgument) as Parameters<typeof method>);
      },
    },
    autoLogging: { ignore: (req) => req.url === '/metrics' || req.url?.startsWith('/health') === true },
  };
  return {
    pinoHttp: destination ? [options, destination] : options,
    // Twilio's callbacks come by the thousand a second in a campaign: a line each (and pino-http's
    // per-request child logger and async context) would cost more than handling them. They are
    // counted and timed by route and status at /metrics; their errors are still logged.
    exclude: [{ method: RequestMethod.POST, path: 'webhooks/twilio/{*path}' }],
  };
}

/** What reaches pino unformatted: messages, and errors whose message pino copies into `msg`. */
function scrubArgument(arg: unknown): unknown {
  if (typeof arg === 'string') return scrubText(arg);
  if (arg instanceof Error) return scrubError(arg);
  if (arg && typeof arg === 'object' && (arg as { err?: unknown }).err instanceof Error) {
    return { ...arg, err: scrubError((arg as { err: Error }).err) };
  }
  return arg;
}

function scrubError(error: Error): Error {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(error)), error) as Error;
  copy.message = scrubText(error.message);
  copy.stack = error.stack && scrubText(error.stack);
  return copy;
}

@Module({})
export class LoggingModule {
  /** `destination` lets tests read what Herald logs; by default JSON lines go to stdout. */
  static forRoot(destination?: DestinationStream): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => loggerOptions(config.logLevel, destination),
        }),
      ],
    };
  }
}
