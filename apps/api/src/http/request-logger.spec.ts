import type { IncomingMessage } from 'node:http';
import Fastify, { FastifyInstance } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { pinoHttp } from 'pino-http';
import { AppConfig } from '@app/domain';
import { loggerParams, requestLogLevel } from './logging';
import { logRequests } from './request-logger';

/** A log destination that keeps each line, parsed. */
const lines = () => {
  const kept: Record<string, unknown>[] = [];
  return { kept, write: (line: string) => kept.push(JSON.parse(line) as Record<string, unknown>) };
};

const config = { logLevel: 'info', instanceId: 'i-1', role: 'api' } as AppConfig;
const pinoOptions = loggerParams(config).pinoHttp as Record<string, unknown>;
/** Fastify's request id, kept on the raw request as bootstrap.ts keeps it */
const genReqId = (req: IncomingMessage) =>
  ((req as IncomingMessage & { id?: string }).id = 'req-1');

/** Routes that log nothing of their own, one that logs a line while it runs, and failures. */
function routes(app: FastifyInstance, inside: () => void): FastifyInstance {
  app.get('/read', async () => ({ ok: true }));
  app.get('/health/live', async () => ({ ok: true }));
  app.post('/write', async () => {
    await Promise.resolve();
    inside();
    return { ok: true };
  });
  app.get('/fail', async (_req, reply) => reply.code(500).send({ failed: true }));
  app.get('/outage', async (_req, reply) => reply.code(503).send({ later: true }));
  return app;
}

const asked = [
  { method: 'GET', url: '/read' },
  { method: 'GET', url: '/health/live' },
  { method: 'POST', url: '/write', headers: { authorization: 'Bearer secret' } },
  { method: 'GET', url: '/fail?sig=secret' },
  { method: 'GET', url: '/outage' },
  { method: 'GET', url: '/missing' },
] as const;

/** A line without what differs from run to run (when it was written, how long it took). */
const comparable = ({ time: _t, responseTime: _r, pid: _p, ...line }: Record<string, unknown>) => {
  const err = line.err as { stack?: string } | undefined;
  return err ? { ...line, err: { ...err, stack: err.stack?.split('\n')[0] } } : line;
};

describe('logRequests', () => {
  const ours = lines();
  // nestjs-pino's root logger (what LoggerModule makes from loggerParams) and the logger our
  // code writes through during a request
  const logger = new PinoLogger({ pinoHttp: [pinoOptions, ours] } as never);
  let app: FastifyInstance;

  beforeAll(async () => {
    app = Fastify({ genReqId });
    logRequests(app);
    await routes(app, () => logger.info('inside the request')).ready();
  });
  afterAll(() => app.close());

  it("writes the lines nestjs-pino's pino-http middleware wrote, and the lines made during a request carry it", async () => {
    const theirs = lines();
    const middleware = pinoHttp(
      {
        ...pinoOptions,
        customLogLevel: requestLogLevel,
        autoLogging: { ignore: (r) => r.url === '/health/live' },
      },
      theirs,
    );
    const before = Fastify({ genReqId });
    before.addHook('onRequest', (req, reply, done) => middleware(req.raw, reply.raw, () => done()));
    await routes(before, () => undefined).ready();
    try {
      for (const r of asked) {
        await app.inject(r);
        await before.inject(r);
      }
    } finally {
      await before.close();
    }
    const completions = ours.kept.filter((l) => l.msg !== 'inside the request');
    expect(completions.map(comparable)).toEqual(theirs.kept.map(comparable));
    // fast successful reads (debug) and health checks write nothing at info; the rest do
    expect(completions.map((l) => [l.msg, (l.res as { statusCode: number }).statusCode])).toEqual([
      ['request completed', 200],
      ['request errored', 500],
      ['request errored', 503],
      ['request completed', 404],
    ]);
    const inside = ours.kept.find((l) => l.msg === 'inside the request')!;
    expect(inside.req).toEqual(completions[0].req);
    expect((inside.req as { headers: Record<string, string> }).headers.authorization).toBe(
      '[redacted]',
    );
  });

  it('writes a fast read at debug once the level is debug', async () => {
    (PinoLogger.root as unknown as { level: string }).level = 'debug';
    try {
      ours.kept.length = 0;
      await app.inject({ method: 'GET', url: '/read' });
      expect(ours.kept.map((l) => [l.level, l.msg])).toEqual([[20, 'request completed']]);
    } finally {
      (PinoLogger.root as unknown as { level: string }).level = 'info';
    }
  });
});
