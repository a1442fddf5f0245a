import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule, AppOptions } from './app.module';
import { withSuccessSchemas } from './common/api-responses';
import { ErrorBodySchema, withErrorSchema } from './common/error-body.schema';
import { DOCS_CSP, pageHeaders, strictTransportSecurity } from './common/page-headers';
import { validationPipe } from './common/validation.pipe';
import { AppConfig } from './config/app-config';

/** The application as both the server and the end-to-end tests run it. */
export async function createApp(config: AppConfig, databaseUrl: string, options: AppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config, databaseUrl, options), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(validationPipe());
  const express = app.getHttpAdapter().getInstance();
  express.disable('x-powered-by');
  // Who the client is (sign-in throttling, API-key misses) when Herald stands behind proxies.
  express.set('trust proxy', config.auth.trustProxy);
  app.use(strictTransportSecurity(config.publicBaseUrl));
  app.use('/docs', pageHeaders(DOCS_CSP));

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Herald')
      .setDescription('Outbound contact orchestration for a credit-card centre')
      .setVersion('0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'an API key issued by an admin' })
      .build(),
    { extraModels: [ErrorBodySchema] },
  );
  SwaggerModule.setup('docs', app, withErrorSchema(withSuccessSchemas(document)), { jsonDocumentUrl: 'docs-json' });
  return app;
}
