import type { IncomingMessage } from 'node:http';
import multipart from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppConfig, StartUpQuietLogger, httpDuration } from '@app/domain';
import { ApiModule } from './api.module';
import { depthLimitedJsonParser } from './http/json-body';
import { openDatabaseScopes } from './http/lag-tolerant';
import { requestIdOf } from './http/logging';
import { logRequests } from './http/request-logger';
import { securityHeaders } from './http/security-headers';
import { mountSwagger } from './openapi';
import { mountQueueBoard } from './admin/queue-board';

/**
 * Builds the HTTP app on the configuration given (main.ts loads it; a test builds its own).
 * Fastify, because an authenticated DB-backed read must reach 30% of a
 * bare Node server (measured here: Fastify 17.6k req/s vs Express 4.6k for hello world).
 * Validation and error mapping are providers of ApiModule (APP_PIPE, APP_FILTER).
 */
export async function createApiApp(config: AppConfig): Promise<NestFastifyApplication> {
  const trusted = config.http.trustedProxies;
  const adapter = new FastifyAdapter({
    bodyLimit: 1024 * 1024,
    // X-Forwarded-For counts only when the connection comes from our own proxy (nginx)
    trustProxy: trusted.length ? trusted : false,
    // idle keep-alive sockets are closed on shutdown; in-flight requests finish first
    forceCloseConnections: 'idle',
    // no Nest middleware: the request logger and the database scope are Fastify hooks, and
    // middie's dispatch cost every request (a middleware added later fails at start-up)
    skipMiddie: true,
    // one id per request, from Nginx's X-Request-Id when sane; kept on the raw request so the
    // pino request logger uses the same one
    genReqId: (req: IncomingMessage) => {
      const id = requestIdOf(req);
      (req as IncomingMessage & { id?: string }).id = id;
      return id;
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config), adapter, {
    bufferLogs: true,
  });
  app.useLogger(new StartUpQuietLogger(app.get(Logger)));
  const fastify = app.getHttpAdapter().getInstance();
  logRequests(fastify);
  openDatabaseScopes(fastify);
  app.useBodyParser(
    'application/json',
    { bodyLimit: 1024 * 1024 },
    depthLimitedJsonParser(adapter.getInstance()) as never,
  );
  const withSecurityHeaders = securityHeaders(config);
  fastify.addHook('onRequest', (req, reply, done) => {
    withSecurityHeaders(reply.raw);
    // which instance answered (nginx spreads requests) and the id to find its log lines; set
    // as the request comes in, so answers written on the raw response (MCP) carry them too
    reply.header('X-Instance-Id', config.instanceId);
    reply.header('X-Request-Id', req.id);
    done();
  });
  // photo uploads: one file, capped while it streams in (a bigger one is refused with 413)
  await app.register(multipart as never, {
    limits: { fileSize: config.photos.maxBytes, files: 1, fields: 2, parts: 3, fieldSize: 1024 },
    throwFileSizeLimit: true,
  });
  fastify.addHook('onResponse', (req, reply, done) => {
    // by route pattern (/v1/projects/:id), never by raw URL: bounded label values
    httpDuration.observe(
      {
        method: req.method,
        route: req.routeOptions?.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
  mountSwagger(app);
  await mountQueueBoard(app);
  return app;
}
