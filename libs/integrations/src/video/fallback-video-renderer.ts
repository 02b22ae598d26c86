import { Usage } from '../lyrics/lyrics-engine';
import { ProviderError, ProviderUnavailableError } from '../provider-errors';
import {
  RenderOptions,
  RenderSubmission,
  VideoPoll,
  VideoRenderer,
  VideoRequest,
} from './video-renderer';

/**
 * Creatomate first, the local FFmpeg renderer when Creatomate cannot take the job. The task
 * id says which engine holds it, so polling after a restart asks the right one.
 *
 * Not every failure lets the fallback in: a submission whose answer was lost (timeout, reset
 * after sending) may be a render Creatomate is doing and billing, so it goes to the
 * crash-safe recovery instead; a 429 whose Retry-After is within `maxWaitSec` is waited for,
 * except on the caller's last try (the waits it had are the budget), which falls back.
 */
export class FallbackVideoRenderer extends VideoRenderer {
  get name() {
    return this.primary.name;
  }
  get dedupesByKey(): boolean {
    return this.primary.dedupesByKey;
  }
  override get fallbackEngine() {
    return this.fallback.name;
  }

  constructor(
    private readonly primary: VideoRenderer,
    private readonly fallback: VideoRenderer,
    private readonly maxWaitSec: number,
  ) {
    super();
  }

  async submit(
    req: VideoRequest,
    idempotencyKey: string,
    signal?: AbortSignal,
    opts: RenderOptions = {},
  ): Promise<RenderSubmission> {
    try {
      const r = await this.primary.submit(req, idempotencyKey, signal, opts);
      return { ...r, taskId: `${this.primary.name}:${r.taskId}` };
    } catch (err) {
      const why = err instanceof ProviderError ? this.fallbackReason(err, opts) : undefined;
      if (!why || opts.allowFallback === false) throw err;
      const r = await this.fallback.submit(req, idempotencyKey, signal, {
        onProgress: opts.onProgress,
      });
      return {
        ...r,
        taskId: `${this.fallback.name}:${r.taskId}`,
        fallback: { from: this.primary.name, reason: `${why}, rendered with ${r.engine}` },
      };
    }
  }

  /** Why the fallback may take this render, or undefined when it must not. */
  private fallbackReason(err: ProviderError, opts: RenderOptions): string | undefined {
    if (!(err instanceof ProviderUnavailableError)) return err.message;
    if (err.ambiguous) return undefined;
    if (err.retryAfterSec === undefined) return err.message;
    if (err.retryAfterSec <= this.maxWaitSec)
      // waited for on every try but the last: then the wait budget is spent
      return opts.lastTry ? `${err.message} on every try, the last one included` : undefined;
    return `${err.message}, asking to wait ${err.retryAfterSec} s (more than the ${this.maxWaitSec} s we wait)`;
  }

  /** A callback comes from the first choice (the local fallback renders inside the submission). */
  override taskIdFromCallback(body: unknown): string | null {
    return this.primary.taskIdFromCallback(body);
  }

  /** A task id adopted from a callback is the first choice's, and billed as its renders are. */
  recoveredUsage(req: { lengthSec: number }): Usage {
    return this.primary.recoveredUsage(req);
  }

  /** Sent to the first choice (a fallback's answer names its own engine and usage). */
  submittedUsage(req: Pick<VideoRequest, 'durationSec'>): Usage {
    return this.primary.submittedUsage(req);
  }

  poll(taskId: string): Promise<VideoPoll> {
    const { engine, id } = this.holder(taskId);
    return engine.poll(id);
  }

  override discard(taskId: string): Promise<void> {
    const { engine, id } = this.holder(taskId);
    return engine.discard(id);
  }

  /** The engine that holds a task, and its own id for it. */
  private holder(taskId: string): { engine: VideoRenderer; id: string } {
    // a bare id is Creatomate's own, adopted from its webhook after a lost answer
    if (!taskId.includes(':')) return { engine: this.primary, id: taskId };
    const [engine, ...rest] = taskId.split(':');
    const id = rest.join(':');
    return { engine: engine === this.fallback.name ? this.fallback : this.primary, id };
  }
}
