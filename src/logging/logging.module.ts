import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { Params } from 'nestjs-pino/params';
import pino, { DestinationStream } from 'pino';
import { AppConfig } from '../config/app-config';
import { scrub, scrubText } from './scrub';

const CORRELATION_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Structured JSON logs, one line per request and per event, scrubbed of personal data. */
export function loggerOptions(level: string, destination?: DestinationStream): Params {
  return {
    pinoHttp: {
      level,
      stream: destination,
      genReqId(req: IncomingMessage, res: ServerResponse) {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && CORRELATION_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Correlation-Id', id);
        return id;
      },
      customProps: (req) => ({ correlationId: req.id }),
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, url: scrubText(req.url) }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
        err: pino.stdSerializers.err,
      },
      formatters: { log: (object) => scrub(object) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === 'string' ? scrubText(arg) : arg)) as Parameters<typeof method>);
        },
      },
      autoLogging: { ignore: (req) => req.url === '/metrics' || req.url?.startsWith('/health') === true },
    },
  };
}

@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => loggerOptions(config.logLevel),
    }),
  ],
})
export class LoggingModule {}
