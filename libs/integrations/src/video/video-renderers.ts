import { VideoRenderer } from './video-renderer';

/**
 * The renderers this server has: the configured one (with its fallback, if any) and the others
 * a project may ask for by engine (POST …/video {engine}). Callers name an engine, never a
 * renderer class, so a new engine is a new entry here and nothing in the domain.
 */
export class VideoRenderers {
  constructor(
    /** the configured renderer: used when a project names no engine, or one we do not have */
    readonly preferred: VideoRenderer,
    private readonly others: VideoRenderer[] = [],
  ) {}

  /** The renderer for the engine a project asked for, else the configured one. */
  for(engine?: string | null): VideoRenderer {
    if (!engine || engine === this.preferred.name) return this.preferred;
    return this.others.find((r) => r.name === engine) ?? this.preferred;
  }
}
