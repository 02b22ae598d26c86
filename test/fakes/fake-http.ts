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
  /** the provider charged for this request (counted in the request log on the fake's side) */
  paid?: boolean;
}

/** One request as the fake saw it: the fake's own bookkeeping, never our adapter's. */
export interface LoggedRequest {
  method: string;
  path: string;
  /** our Idempotency-Key header, when sent */
  key?: string;
  status: number;
  /** the documented answer served, when a test or the chaos knob picked one */
  row?: string;
  paid: boolean;
  at: number;
}

/**
 * A documented answer of the provider (api-shapes.md, "Documented failures"): the route it
 * answers on and how. `reply` gets the request and the route's normal handler, so a row can
 * take the request and then fail (an answer lost after the provider charged).
 */
export interface DocumentedRow {
  route: string;
  /** the row only makes sense for some requests (e.g. a finished task's record) */
  applies?: (req: FakeRequest) => boolean;
  reply: (req: FakeRequest, normal: () => Promise<FakeReply>) => FakeReply | Promise<FakeReply>;
}

export type FakeRoute = (req: FakeRequest) => FakeReply | Promise<FakeReply>;

/** Knobs every fake shares: added latency, and failures injected for the next N calls. */
export interface FakeKnobs {
  latencyMs: number;
  failNext: { count: number; reply: FakeReply }[];
  /**
   * a share of calls fail at random: 503, 429 with Retry-After, an answer too slow to wait
   * for, or ('documented') one of the route's documented answers picked at random
   */
  chaos?: {
    rate: number;
    kinds: ('5xx' | '429' | 'timeout' | 'documented')[];
    slowMs: number;
    random?: () => number;
  };
  /** documented rows to serve, per route, in order (see FakeHttpServer.serve) */
  serve: { row: string; times: number; when?: (req: FakeRequest) => boolean }[];
}

/**
 * A tiny HTTP server that fake providers plug their routes into. It counts calls per route
 * and can be told to be slow or to fail, so adapters are tested against real HTTP.
 */
export class FakeHttpServer {
  private server?: Server;
  private readonly routes = new Map<string, FakeRoute>();
  readonly calls = new Map<string, number>();
  readonly knobs: FakeKnobs = { latencyMs: 0, failNext: [], serve: [] };
  /** every request in order, with what it cost (the fake's own request log) */
  readonly requests: LoggedRequest[] = [];
  /** Idempotency-Keys of requests still being answered (a slow answer is logged when it ends) */
  readonly inFlight: string[] = [];
  /** the provider's documented answers this fake can serve, by name */
  protected readonly rows = new Map<string, DocumentedRow>();
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

  /** The names of every documented answer this fake serves. */
  get rowNames(): string[] {
    return [...this.rows.keys()];
  }

  /**
   * The next `times` requests to the row's route (only those `when` accepts, e.g. one
   * project's) get the documented answer `row` instead of the normal one.
   */
  serve(row: string, opts: { times?: number; when?: (req: FakeRequest) => boolean } = {}): void {
    if (!this.rows.has(row))
      throw new Error(`${this.constructor.name} has no documented row ${row}`);
    this.knobs.serve.push({ row, times: opts.times ?? 1, when: opts.when });
  }

  /** Paid requests in the log, optionally only those matching (e.g. one project's key). */
  paidCalls(match: (r: LoggedRequest) => boolean = () => true): number {
    return this.requests.filter((r) => r.paid && match(r)).length;
  }

  protected document(name: string, row: DocumentedRow): void {
    this.rows.set(name, row);
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
    const key = String(req.headers['idempotency-key'] ?? '');
    this.inFlight.push(key);
    try {
      await this.answer(req, res);
    } finally {
      this.inFlight.splice(this.inFlight.indexOf(key), 1);
    }
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
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
    const [pattern, handler] = this.routes.has(key)
      ? [key, this.routes.get(key)!]
      : ([...this.routes.entries()].find(([k]) => matches(k, key)) ?? [undefined, undefined]);
    const normal = async (): Promise<FakeReply> =>
      handler
        ? await handler(fr)
        : { status: 404, body: { error: 'not_found', message: `fake has no route ${key}` } };
    const rowsHere = [...this.rows.entries()].filter(
      ([, r]) => r.route === pattern && (r.applies?.(fr) ?? true),
    );
    let chaosRow: string | undefined;
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
      else if (kind === 'documented') chaosRow = rowsHere[Math.floor(rnd() * rowsHere.length)]?.[0];
      else await new Promise((r) => setTimeout(r, chaos.slowMs)); // then answer normally, too late
    }
    const injected = this.knobs.failNext[0];
    const served = this.knobs.serve.findIndex(
      (s) =>
        this.rows.get(s.row)!.route === pattern &&
        (!s.when || s.when(fr)) &&
        (this.rows.get(s.row)!.applies?.(fr) ?? true),
    );
    let row: string | undefined;
    if (reply) {
      /* chaos answered */
    } else if (chaosRow) {
      row = chaosRow;
      reply = await this.rows.get(chaosRow)!.reply(fr, normal);
    } else if (served >= 0) {
      const s = this.knobs.serve[served];
      row = s.row;
      if (--s.times <= 0) this.knobs.serve.splice(served, 1);
      reply = await this.rows.get(s.row)!.reply(fr, normal);
    } else if (injected) {
      reply = injected.reply;
      if (--injected.count <= 0) this.knobs.failNext.shift();
    } else {
      reply = await normal();
    }
    this.requests.push({
      method: fr.method,
      path: url.pathname,
      key: req.headers['idempotency-key'] as string | undefined,
      status: reply.destroy ? 0 : reply.status,
      row,
      paid: reply.paid === true,
      at: Date.now(),
    });
    if (res.destroyed || res.writableEnded) return;
    if (reply.destroy) {
      res.socket?.destroy();
      return;
    }
    const headers: Record<string, string> = { ...(reply.headers ?? {}) };
    let payload: string | Buffer = '';
    if (Buffer.isBuffer(reply.body)) {
      payload = reply.body;
      // a file, as a CDN or object store serves one: its length said up front, not chunked
      headers['content-length'] ??= String(payload.length);
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
