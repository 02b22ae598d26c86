import { ProviderRejectedError, ProviderUnavailableError, withDetail } from '../provider-errors';
import { bearerJson, parseJson, retryAfterOf } from '../http/provider-http';
import { Usage } from '../lyrics/lyrics-engine';
import { RenderSubmission, VideoPoll, VideoRenderer, VideoRequest } from './video-renderer';

export interface CreatomateConfig {
  baseUrl: string;
  apiKey: string;
  templateId: string;
  timeoutMs: number;
  dedupesByKey: boolean;
}

interface RenderObject {
  id: string;
  status:
    'planned' | 'waiting' | 'transcribing' | 'rendering' | 'succeeded' | 'failed' | 'cancelled';
  url?: string;
  snapshot_url?: string;
  width?: number;
  height?: number;
  duration?: number;
  error_message?: string;
}

/** Creatomate tells a render's stage, not a percent: each stage stands for a rough share. */
const RENDER_STAGE_FRACTION: Partial<Record<RenderObject['status'], number>> = {
  planned: 0,
  waiting: 0.1,
  transcribing: 0.25,
  rendering: 0.5,
};

/**
 * Creatomate v1 renders: a template id plus modifications (photos, captions, audio, end
 * card); poll the render; the file is copied into our blob store (Creatomate deletes it).
 * Media must be publicly fetchable, so the pipeline passes short-lived SAS URLs.
 */
export class CreatomateVideoRenderer extends VideoRenderer {
  readonly name = 'creatomate' as const;
  get dedupesByKey(): boolean {
    return this.cfg.dedupesByKey;
  }

  constructor(private readonly cfg: CreatomateConfig) {
    super();
  }

  async submit(req: VideoRequest, idempotencyKey: string): Promise<RenderSubmission> {
    const modifications: Record<string, unknown> = {
      'Audio.source': sourceUrl(req.audio),
      'Audio.duration': req.durationSec,
      'StoreName.text': req.endCard.name,
      'Address.text': req.endCard.address ?? '',
      'Phone.text': req.endCard.phone ?? '',
      'Captions.text': req.captions.map((c) => c.text).join('\n'),
    };
    req.photos
      .slice(0, 6)
      .forEach((p, i) => (modifications[`Photo-${i + 1}.source`] = sourceUrl(p)));
    const res = await this.call(
      'POST',
      '/v1/renders',
      {
        template_id: req.templateId ?? this.cfg.templateId,
        modifications,
        output_format: 'mp4',
        metadata: idempotencyKey,
        ...(req.callbackUrl ? { webhook_url: req.callbackUrl } : {}),
      },
      idempotencyKey,
    );
    const renders = parseJson<RenderObject[]>('creatomate', res);
    if (!Array.isArray(renders) || !renders[0]?.id)
      throw new ProviderUnavailableError('creatomate', 'creatomate answered without a render id');
    return {
      taskId: renders[0].id,
      usage: this.submittedUsage(req),
      engine: this.name,
      readyWhenSubmitted: false,
    };
  }

  /**
   * Creatomate bills a render by its seconds. The render of a song of `lengthSec` lasts at most
   * that; one second more is counted, so a recovered render is never metered short.
   */
  recoveredUsage(req: { lengthSec: number }): Usage {
    return { unit: 'render_second', units: req.lengthSec + 1 };
  }

  /** A render is billed by its seconds: the length it is asked for. */
  submittedUsage(req: Pick<VideoRequest, 'durationSec'>): Usage {
    return { unit: 'render_second', units: req.durationSec };
  }

  /** Creatomate posts the render object itself: its `id` is the render's. */
  override taskIdFromCallback(body: unknown): string | null {
    const id = (body as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? id : null;
  }

  async poll(taskId: string): Promise<VideoPoll> {
    const r = parseJson<RenderObject>(
      'creatomate',
      await this.call('GET', `/v1/renders/${encodeURIComponent(taskId)}`),
    );
    if (r.status === 'succeeded') {
      if (!r.url) return { status: 'failed', reason: 'Creatomate succeeded without a file URL' };
      return {
        status: 'done',
        engine: this.name,
        video: { kind: 'url', url: r.url, contentType: 'video/mp4' },
        ...(r.snapshot_url
          ? { thumbnail: { kind: 'url' as const, url: r.snapshot_url, contentType: 'image/jpeg' } }
          : {}),
        durationSec: r.duration ?? 0,
        width: r.width ?? 1080,
        height: r.height ?? 1920,
      };
    }
    if (r.status === 'failed' || r.status === 'cancelled')
      return {
        status: 'failed',
        reason: `Creatomate render ${r.status}${r.error_message ? `: ${r.error_message}` : ''}`,
      };
    return { status: 'pending', fraction: RENDER_STAGE_FRACTION[r.status] };
  }

  private async call(
    method: string,
    path: string,
    body?: unknown,
    idempotencyKey?: string,
  ): Promise<string> {
    const res = await bearerJson('creatomate', this.cfg, method, path, body, idempotencyKey);
    if (res.status === 200 || res.status === 201 || res.status === 202) return res.text;
    // a short reason people can read; Creatomate's own answer goes to the log only
    const rejected = REJECTED[res.status];
    if (rejected)
      throw withDetail(
        new ProviderRejectedError('creatomate', `creatomate answered ${res.status}: ${rejected}`),
        res.text,
      );
    throw withDetail(
      new ProviderUnavailableError(
        'creatomate',
        `creatomate answered ${res.status}${res.status === 429 ? ': rate limited' : ''}`,
        retryAfterOf(res),
      ),
      res.text,
    );
  }
}

/** Creatomate's documented refusals (api-shapes.md): resending the same request will not help. */
const REJECTED: Record<number, string> = {
  400: 'the template or its modifications are invalid',
  401: 'our API key was refused',
  402: 'out of credits',
  404: 'no such render or template',
};

function sourceUrl(m: VideoRequest['audio']): string {
  if (m.kind !== 'url')
    throw new ProviderRejectedError('creatomate', 'Creatomate needs media at a public URL');
  return m.url;
}
