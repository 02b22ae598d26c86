import { ProviderError } from '../provider-errors';
import { Usage } from '../lyrics/lyrics-engine';
import { VideoPoll, VideoRenderer, VideoRequest } from './video-renderer';

/**
 * Creatomate first, the local FFmpeg renderer when Creatomate cannot take the job. The task
 * id says which engine holds it, so polling after a restart asks the right one.
 */
export class FallbackVideoRenderer extends VideoRenderer {
  readonly name = 'creatomate+ffmpeg';
  get dedupesByKey(): boolean {
    return this.primary.dedupesByKey;
  }

  constructor(
    private readonly primary: VideoRenderer,
    private readonly fallback: VideoRenderer,
  ) {
    super();
  }

  async submit(
    req: VideoRequest,
    idempotencyKey: string,
    signal?: AbortSignal,
  ): Promise<{ taskId: string; usage: Usage }> {
    try {
      const r = await this.primary.submit(req, idempotencyKey, signal);
      return { ...r, taskId: `${this.primary.name}:${r.taskId}` };
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      const r = await this.fallback.submit(req, idempotencyKey, signal);
      return { ...r, taskId: `${this.fallback.name}:${r.taskId}` };
    }
  }

  poll(taskId: string): Promise<VideoPoll> {
    const [engine, ...rest] = taskId.split(':');
    const id = rest.join(':');
    return engine === this.fallback.name ? this.fallback.poll(id) : this.primary.poll(id);
  }
}
