import { randomUUID } from 'node:crypto';
import { FakeHttpServer } from './fake-http';

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

/**
 * Creatomate v1: POST /v1/renders answers an array of render objects; GET /v1/renders/:id;
 * webhook on completion. Paid renders are counted per Idempotency-Key.
 */
export class FakeCreatomate extends FakeHttpServer {
  readonly renders = new Map<string, Render>();
  private readonly byKey = new Map<string, string>();
  readonly paid = new Map<string, number>();
  apiKey = 'creatomate-test-key';
  renderMs = 50;
  failRenders = 0;
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
      if (key && this.byKey.has(key))
        return { status: 202, body: [this.object(this.renders.get(this.byKey.get(key)!)!)] };
      const id = randomUUID();
      const failWith =
        this.failRenders > 0
          ? (this.failRenders--, 'Source media could not be downloaded')
          : undefined;
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
      return { status: 202, body: [this.object(r)] };
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

  totalPaid(): number {
    return [...this.paid.values()].reduce((a, b) => a + b, 0);
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
