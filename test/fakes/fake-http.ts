import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  raw: Buffer;
  form: URLSearchParams;
  json: () => any;
  bearer?: string;
}

export interface FakeReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** cut the connection instead of answering (an interrupted upload) */
  destroy?: boolean;
}

export type FakeRoute = (req: FakeRequest) => FakeReply | Promise<FakeReply>;

/** Knobs every fake shares: added latency, and failures injected for the next N calls. */
export interface FakeKnobs {
  latencyMs: number;
  failNext: { count: number; reply: FakeReply }[];
  /** a share of calls fail at random: 503, 429 with Retry-After, or an answer too slow to wait for */
  chaos?: {
    rate: number;
    kinds: ('5xx' | '429' | 'timeout')[];
    slowMs: number;
    random?: () => number;
  };
}

/**
 * A tiny HTTP server that fake providers plug their routes into. It counts calls per route
 * and can be told to be slow or to fail, so adapters are tested against real HTTP.
 */
export class FakeHttpServer {
  private server?: Server;
  private readonly routes = new Map<string, FakeRoute>();
  readonly calls = new Map<string, number>();
  readonly knobs: FakeKnobs = { latencyMs: 0, failNext: [] };
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  route(method: string, path: string, handler: FakeRoute): void {
    this.routes.set(`${method} ${path}`, handler);
  }

  /** The next `count` calls (to any route) answer `reply`. */
  failNext(count: number, reply: FakeReply): void {
    this.knobs.failNext.push({ count, reply });
  }

  count(method: string, path: string): number {
    return this.calls.get(`${method} ${path}`) ?? 0;
  }

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((ok) => this.server!.listen(port, '127.0.0.1', ok));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const body = Buffer.concat(chunks).toString('utf8');
    const key = `${req.method} ${url.pathname}`;
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
    const auth = req.headers.authorization;
    const fr: FakeRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body,
      raw: Buffer.concat(chunks),
      form: new URLSearchParams(body),
      json: () => JSON.parse(body),
      bearer: auth?.startsWith('Bearer ') ? auth.slice(7) : undefined,
    };
    if (this.knobs.latencyMs) await new Promise((r) => setTimeout(r, this.knobs.latencyMs));
    let reply: FakeReply | undefined;
    const chaos = this.knobs.chaos;
    const rnd = chaos?.random ?? Math.random;
    if (chaos && !url.pathname.startsWith('/files/') && rnd() < chaos.rate) {
      const kind = chaos.kinds[Math.floor(rnd() * chaos.kinds.length)];
      this.calls.set(`chaos ${kind}`, (this.calls.get(`chaos ${kind}`) ?? 0) + 1);
      if (kind === '5xx')
        reply = { status: 503, body: { error: 'service unavailable (fake chaos)' } };
      else if (kind === '429')
        reply = {
          status: 429,
          body: { error: 'rate limited (fake chaos)' },
          headers: { 'retry-after': '1' },
        };
      else await new Promise((r) => setTimeout(r, chaos.slowMs)); // then answer normally, too late
    }
    const injected = this.knobs.failNext[0];
    if (reply) {
      /* chaos answered */
    } else if (injected) {
      reply = injected.reply;
      if (--injected.count <= 0) this.knobs.failNext.shift();
    } else {
      const handler =
        this.routes.get(key) ?? [...this.routes.entries()].find(([k]) => matches(k, key))?.[1];
      reply = handler
        ? await handler(fr)
        : { status: 404, body: { error: 'not_found', message: `fake has no route ${key}` } };
    }
    if (res.destroyed || res.writableEnded) return;
    if (reply.destroy) {
      res.socket?.destroy();
      return;
    }
    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    let payload: string | Buffer = '';
    if (Buffer.isBuffer(reply.body)) {
      payload = reply.body;
    } else if (reply.body !== undefined) {
      payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      headers['content-type'] ??=
        typeof reply.body === 'string'
          ? 'text/plain; charset=utf-8'
          : 'application/json;charset=UTF-8';
    }
    res.writeHead(reply.status, headers);
    res.end(payload);
  }
}

/**
 * The end of an OAuth consent page: back to the client's redirect_uri with a fresh code
 * (remembered with the redirect_uri it must be redeemed with) and the client's state.
 */
export function consentGranted(
  req: FakeRequest,
  codes: Map<string, string>,
  code: string,
): FakeReply {
  const redirectUri = req.query.get('redirect_uri') ?? '';
  codes.set(code, redirectUri);
  const to = new URL(redirectUri);
  to.searchParams.set('code', code);
  to.searchParams.set('state', req.query.get('state') ?? '');
  return { status: 302, headers: { location: to.toString() } };
}

/** "GET /v1/renders/:id" style patterns. */
function matches(pattern: string, key: string): boolean {
  const p = pattern.split('/');
  const k = key.split('/');
  return p.length === k.length && p.every((seg, i) => seg.startsWith(':') || seg === k[i]);
}
