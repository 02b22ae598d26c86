import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestMethod } from '@nestjs/common';
import { Params } from 'nestjs-pino';
import { startTime } from 'pino-http';
import { AppConfig } from '@app/domain';
import { redactUrl } from '@app/integrations';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** a successful read slower than this is logged at info like a write (ms) */
export const SLOW_REQUEST_MS = 500;

/**
 * The level of a request's log line. Successful fast reads are the bulk of the traffic and say
 * nothing new: they go at debug (a ~600-byte line each was a tenth of the API's CPU under
 * load). Errors, refusals, writes and slow reads stay at info or above.
 */
export function requestLogLevel(
  req: IncomingMessage,
  res: ServerResponse & { [startTime]?: number },
  err?: Error,
): 'error' | 'info' | 'debug' {
  if (err || res.statusCode >= 500) return 'error';
  if (res.statusCode >= 400 || (req.method !== 'GET' && req.method !== 'HEAD')) return 'info';
  return Date.now() - (res[startTime] ?? Date.now()) >= SLOW_REQUEST_MS ? 'info' : 'debug';
}

/** The request id Nginx sends (X-Request-Id) when it is sane, else a fresh one. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** pino JSON logs, one line per request (see requestLogLevel), carrying the request id and this instance's id. */
export function loggerParams(config: AppConfig): Params {
  return {
    // nestjs-pino's default route pattern does not match under the Fastify adapter here
    forRoutes: [{ path: '*path', method: RequestMethod.ALL }],
    pinoHttp: {
      level: config.logLevel,
      customLogLevel: requestLogLevel,
      base: { instance: config.instanceId, app: config.role },
      genReqId: (req: IncomingMessage) =>
        (req as IncomingMessage & { id?: string }).id ?? requestIdOf(req),
      // secrets never reach the logs: not in headers, nor in URLs (signed links' sig, webhook
      // callback tokens, OAuth codes and states, the queue board's access_token)
      serializers: {
        // query and params repeat the URL (secrets and all): the redacted URL says it once
        req: (req: { url?: string }) => ({
          ...req,
          url: req.url && redactUrl(req.url),
          query: undefined,
          params: undefined,
        }),
      },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["x-api-key"]',
          'res.headers["set-cookie"]',
        ],
        censor: '[redacted]',
      },
      autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health/live' },
    },
  };
}
