import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Params } from 'nestjs-pino';
import { stdSerializers } from 'pino';
import { startTime } from 'pino-http';
import { AppConfig } from '@app/domain';
import { redactUrl, redactUrlsIn } from '@app/integrations';

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
): 'error' | 'warn' | 'info' | 'debug' {
  // a 503 is an outage we answered cleanly (database failing over, a provider down, with
  // Retry-After): worth a warning, not an error line per request (the request logger hands it
  // an err, as pino-http did)
  if (res.statusCode === 503) return 'warn';
  if (err || res.statusCode >= 500) return 'error';
  if (res.statusCode >= 400 || (req.method !== 'GET' && req.method !== 'HEAD')) return 'info';
  return Date.now() - (res[startTime] ?? Date.now()) >= SLOW_REQUEST_MS ? 'info' : 'debug';
}

/** The request id Nginx sends (X-Request-Id) when it is sane, else a fresh one. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Request headers that are credentials: their values never reach a log line. */
const SECRET_HEADERS = ['authorization', 'cookie', 'x-api-key'];

/**
 * A request as its log lines show it: id, method, URL (its secrets redacted), headers
 * (credentials redacted), client address. Built directly from the request, and the
 * credentials censored here rather than by pino's redaction: the generic serializer plus the
 * redaction's clone of the headers were a tenth of a read's CPU when every request bound it
 * (now bound only when the request logs a line: request-logger.ts). The query and params repeat the URL
 * (secrets and all), so they are left out.
 */
export function requestForLog(
  req: IncomingMessage & { id?: unknown; originalUrl?: string },
): Record<string, unknown> {
  let headers = req.headers;
  for (const name of SECRET_HEADERS)
    if (headers[name] !== undefined) {
      if (headers === req.headers) headers = { ...headers };
      headers[name] = '[redacted]';
    }
  const url = req.originalUrl ?? req.url;
  return {
    id: req.id,
    method: req.method,
    url: url && redactUrl(url),
    headers,
    remoteAddress: req.socket?.remoteAddress,
    remotePort: req.socket?.remotePort,
  };
}

/**
 * A response as its log line shows it: status and headers, a cookie it sets redacted, and the
 * secrets of a redirect's Location (the sign-in's tokens in its fragment, an OAuth state in its
 * query). Censored here rather than by pino's redaction, which cloned the response object on
 * every line (every write logs one): the headers are getHeaders()'s own copy, so the response is
 * not touched.
 */
export function responseForLog(res: ServerResponse): Record<string, unknown> {
  const headers = res.getHeaders();
  if (headers['set-cookie'] !== undefined) headers['set-cookie'] = '[redacted]';
  if (typeof headers.location === 'string') headers.location = locationForLog(headers.location);
  return { statusCode: res.headersSent ? res.statusCode : null, headers };
}

/** A redirect's target without its secrets: the fragment cut, the URL's secrets redacted. */
function locationForLog(location: string): string {
  const hash = location.indexOf('#');
  const target = hash < 0 ? location : location.slice(0, hash);
  const redacted = /^https?:\/\//i.test(target) ? redactUrlsIn(target) : redactUrl(target);
  return hash < 0 ? redacted : `${redacted}#[redacted]`;
}

/**
 * pino JSON logs carrying this instance's id. One line per request (see requestLogLevel) is
 * written by logRequests (request-logger.ts), a Fastify hook: nestjs-pino mounts no middleware
 * (no route), it provides the root logger and Nest's Logger over it.
 */
export function loggerParams(config: AppConfig): Params {
  return {
    forRoutes: [],
    pinoHttp: {
      level: config.logLevel,
      base: { instance: config.instanceId, app: config.role },
      // secrets never reach the logs: not in headers, nor in URLs (signed links' sig, webhook
      // callback tokens, OAuth codes and states, the queue board's access_token), nor cookies
      // set; the request and the response are serialized by requestForLog and responseForLog
      // (not wrapped in the generic ones), err as usual
      wrapSerializers: false,
      serializers: { req: requestForLog, res: responseForLog, err: stdSerializers.err },
    },
  };
}
