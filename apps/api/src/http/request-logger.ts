import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import type { Logger as Pino } from 'pino';
import { startTime } from 'pino-http';
import { requestIdOf, requestLogLevel } from './logging';

/**
 * nestjs-pino's request context: PinoLogger (under Nest's Logger) writes a line made during a
 * request through the `logger` of the store it finds here. The module is not exported by the
 * package, so it is loaded by its path next to the package's entry (the same module instance
 * as nestjs-pino's own); request-logger.spec.ts fails if a version moves it.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a path, not a package name
const { storage } = require(require.resolve('nestjs-pino').replace(/index\.js$/, 'storage.js')) as {
  storage: AsyncLocalStorage<{ logger: Pino; responseLogger?: Pino }>;
};

/** Requests whose completion is never logged (load balancers poll it) */
const UNLOGGED = '/health/live';

/**
 * The logger of one request: the root logger with the request bound (`req`, serialized by
 * requestForLog), made on first use. pino serializes a child's bindings as it is made, and most
 * requests (successful fast reads, at debug) log nothing: made for each, as pino-http did, it
 * was a few percent of a read's CPU.
 */
class RequestLogContext {
  private bound?: Pino;
  private assigned?: Pino;

  constructor(
    private readonly root: Pino,
    private readonly req: IncomingMessage,
  ) {}

  /** the logger with the request bound: its completion line and the lines made during it */
  get requestLogger(): Pino {
    return (this.bound ??= this.root.child({ req: this.req }));
  }

  /** what PinoLogger writes through; PinoLogger.assign() replaces it with a child of it */
  get logger(): Pino {
    return this.assigned ?? this.requestLogger;
  }

  set logger(logger: Pino) {
    this.assigned = logger;
  }
}

/**
 * One log line per request (its level from requestLogLevel: fast successful reads at debug),
 * and the request's context for the lines made while it runs, as nestjs-pino's pino-http
 * middleware wrote them (same fields, same messages), from a Fastify request hook: the
 * middleware needed @fastify/middie, whose dispatch every request paid.
 */
export function logRequests(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const root = PinoLogger.root as Pino;
    const req = request.raw as IncomingMessage & { id?: string };
    const res = reply.raw as ServerResponse & { [startTime]?: number };
    req.id ??= requestIdOf(req);
    res[startTime] ??= Date.now();
    // read now (the socket keeps it): a request whose client hung up is logged after the
    // socket is gone, and it would show no address
    void req.socket?.remoteAddress;
    const context = new RequestLogContext(root, req);
    const complete = (err?: Error) => {
      res.removeListener('close', complete);
      res.removeListener('finish', complete);
      res.removeListener('error', complete);
      logCompletion(context, root, req, res, err);
    };
    if (req.url !== UNLOGGED) {
      res.on('close', complete);
      res.on('finish', complete);
    }
    res.on('error', complete);
    storage.run(context, done);
  });
}

/** The line pino-http wrote when a response ended, made only when its level is logged. */
function logCompletion(
  context: RequestLogContext,
  root: Pino,
  req: IncomingMessage,
  res: ServerResponse & { [startTime]?: number; err?: Error },
  err?: Error,
): void {
  const responseTime = Date.now() - res[startTime]!;
  const level = requestLogLevel(req, res, err);
  if (!root.isLevelEnabled(level)) return;
  const log = context.requestLogger;
  if (err || res.err || res.statusCode >= 500) {
    const error = err ?? res.err ?? new Error(`failed with status code ${res.statusCode}`);
    log[level]({ res, err: error, responseTime }, 'request errored');
    return;
  }
  const message =
    !req.readableAborted && res.writableEnded ? 'request completed' : 'request aborted';
  log[level]({ res, responseTime }, message);
}
