import { randomUUID } from 'node:crypto';
import { FakeHttpServer, FakeReply } from './fake-http';

interface Render {
  id: string;
  key?: string;
  readyAt: number;
  failWith?: string;
  webhookUrl?: string;
  metadata?: string;
  modifications: Record<string, unknown>;
  templateId: string;
}

/** The statuses Creatomate documents for POST /v1/renders, each a row a test can serve. */
const RENDER_ERRORS: Record<string, FakeReply> = {
  'status-400': { status: 400, body: { hint: 'The template_id or modifications are invalid.' } },
  'status-401': { status: 401, body: { hint: 'Invalid API key.' } },
  'status-402': { status: 402, body: { hint: 'Your account is out of credits.' } },
  'status-500': { status: 500, body: { hint: 'An internal error occurred.' } },
  'status-503': { status: 503, body: { hint: 'Service temporarily unavailable.' } },
};

/**
 * Creatomate v1: POST /v1/renders answers an array of render objects; GET /v1/renders/:id;
 * webhook on completion. Every documented answer is a row (`serve('status-402')`, ...); the
 * request log marks each render taken as paid, also one whose answer was then lost (a
 * timeout or a reset after the POST) and one that later failed.
 */
export class FakeCreatomate extends FakeHttpServer {
  readonly renders = new Map<string, Render>();
  private readonly byKey = new Map<string, string>();
  readonly paid = new Map<string, number>();
  apiKey = 'creatomate-test-key';
  renderMs = 50;
  failRenders = 0;
  /** what a served 429 asks to wait */
  retryAfterSec = 1;
  /** how long a served "timeout-after-accept" holds its answer (longer than our client waits) */
  slowAnswerMs = 5_000;
  /** Creatomate documents no idempotency key; suites modelling a provider that dedupes turn it on */
  honoursIdempotencyKey = false;
  videoBytes: Buffer = Buffer.from('fake-mp4');
  sendWebhooks = true;

  constructor() {
    super();
    this.route('POST', '/v1/renders', (req) => {
      if (req.bearer !== this.apiKey) return { status: 401, body: { hint: 'invalid API key' } };
      const b = req.json();
      if (!b.template_id)
        return { status: 400, body: { hint: 'template_id or source is required' } };
      const key = req.headers['idempotency-key'] as string | undefined;
      if (key && this.honoursIdempotencyKey && this.byKey.has(key))
        return { status: 202, body: [this.object(this.renders.get(this.byKey.get(key)!)!)] };
      return this.accept(req.json(), key);
    });
    for (const [row, reply] of Object.entries(RENDER_ERRORS))
      this.document(row, { route: 'POST /v1/renders', reply: () => reply });
    this.document('status-429', {
      route: 'POST /v1/renders',
      reply: () => ({
        status: 429,
        body: { hint: 'Too many requests.' },
        headers: { 'retry-after': String(this.retryAfterSec) },
      }),
    });
    // the render is taken (and billed), but its answer never reaches us
    this.document('timeout-after-accept', {
      route: 'POST /v1/renders',
      reply: async (req) => {
        const taken = this.accept(req.json(), req.headers['idempotency-key'] as string);
        await new Promise((r) => setTimeout(r, this.slowAnswerMs));
        return taken;
      },
    });
    this.document('reset-after-accept', {
      route: 'POST /v1/renders',
      reply: (req) => ({
        ...this.accept(req.json(), req.headers['idempotency-key'] as string),
        destroy: true,
      }),
    });
    this.document('render-failed', {
      route: 'POST /v1/renders',
      reply: (req) =>
        this.accept(
          req.json(),
          req.headers['idempotency-key'] as string,
          'The source media could not be downloaded.',
        ),
    });

    this.route('GET', '/v1/renders/:id', (req) => {
      if (req.bearer !== this.apiKey) return { status: 401, body: { hint: 'invalid API key' } };
      const r = this.renders.get(req.path.split('/').pop()!);
      if (!r) return { status: 404, body: { hint: 'render not found' } };
      return { status: 200, body: this.object(r) };
    });

    this.route('GET', '/files/:name', () => ({
      status: 200,
      body: this.videoBytes,
      headers: { 'content-type': 'video/mp4' },
    }));
  }

  /** A render taken: billed, rendered after renderMs, webhook after. */
  private accept(b: any, key: string | undefined, failure?: string): FakeReply {
    const id = randomUUID();
    const failWith =
      failure ??
      (this.failRenders > 0
        ? (this.failRenders--, 'Source media could not be downloaded')
        : undefined);
    const r: Render = {
      id,
      key,
      readyAt: Date.now() + this.renderMs,
      failWith,
      webhookUrl: b.webhook_url,
      metadata: b.metadata,
      modifications: b.modifications ?? {},
      templateId: b.template_id,
    };
    this.renders.set(id, r);
    if (key) {
      this.byKey.set(key, id);
      this.paid.set(key, (this.paid.get(key) ?? 0) + 1);
    }
    if (this.sendWebhooks && r.webhookUrl)
      setTimeout(() => void this.webhook(id), this.renderMs + 5);
    return { status: 202, body: [this.object(r)], paid: true };
  }

  totalPaid(): number {
    return this.paidCalls((r) => r.path === '/v1/renders');
  }

  private object(r: Render) {
    const ready = Date.now() >= r.readyAt;
    const status = !ready ? 'rendering' : r.failWith ? 'failed' : 'succeeded';
    return {
      id: r.id,
      status,
      url: `${this.url}/files/${r.id}.mp4`,
      snapshot_url: `${this.url}/files/${r.id}.jpg`,
      template_id: r.templateId,
      template_name: 'CastAD vertical',
      template_tags: [],
      output_format: 'mp4',
      modifications: r.modifications,
      metadata: r.metadata,
      ...(status === 'succeeded'
        ? {
            width: 1080,
            height: 1920,
            frame_rate: 30,
            duration: 10,
            file_size: this.videoBytes.length,
          }
        : {}),
      ...(status === 'failed' ? { error_message: r.failWith } : {}),
    };
  }

  private async webhook(id: string): Promise<void> {
    const r = this.renders.get(id);
    if (!r?.webhookUrl) return;
    await fetch(r.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(this.object(r)),
    }).catch(() => undefined);
  }
}
