import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  form: URLSearchParams;
  json: () => any;
  bearer?: string;
}

export interface FakeReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type FakeRoute = (req: FakeRequest) => FakeReply | Promise<FakeReply>;

/** Knobs every fake shares: added latency, and failures injected for the next N calls. */
export interface FakeKnobs {
  latencyMs: number;
  failNext: { count: number; reply: FakeReply }[];
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
      form: new URLSearchParams(body),
      json: () => JSON.parse(body),
      bearer: auth?.startsWith('Bearer ') ? auth.slice(7) : undefined,
    };
    if (this.knobs.latencyMs) await new Promise((r) => setTimeout(r, this.knobs.latencyMs));
    let reply: FakeReply;
    const injected = this.knobs.failNext[0];
    if (injected) {
      reply = injected.reply;
      if (--injected.count <= 0) this.knobs.failNext.shift();
    } else {
      const handler =
        this.routes.get(key) ?? [...this.routes.entries()].find(([k]) => matches(k, key))?.[1];
      reply = handler
        ? await handler(fr)
        : { status: 404, body: { error: 'not_found', message: `fake has no route ${key}` } };
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

/** "GET /v1/renders/:id" style patterns. */
function matches(pattern: string, key: string): boolean {
  const p = pattern.split('/');
  const k = key.split('/');
  return p.length === k.length && p.every((seg, i) => seg.startsWith(':') || seg === k[i]);
}
