import { MediaSource, SongBeats } from '../song/song-engine';
import { Usage } from '../lyrics/lyrics-engine';

/** A word of a caption and when it is sung. */
export interface CaptionWord {
  text: string;
  startSec: number;
}

export interface Caption {
  text: string;
  startSec: number;
  endSec: number;
  /**
   * each word of `text` (split at spaces) and when it is sung, when a voice sings it: only
   * then do the words light up as they are sung (a karaoke highlight)
   */
  words?: CaptionWord[];
}

export interface VideoRequest {
  /** the selected clip, trimmed to this length with a fade */
  audio: MediaSource;
  durationSec: number;
  photos: MediaSource[];
  captions: Caption[];
  /** the song's beats, to cut on (the FFmpeg renderer finds them in the audio without) */
  beats?: SongBeats;
  endCard: {
    name: string;
    address?: string | null;
    phone?: string | null;
    /** the menu, the first items highlighted (with their price when the store gave one) */
    menu?: { name: string; price?: string | null }[];
    category?: string | null;
  };
  templateId?: string;
  callbackUrl?: string;
}

/** The engines that can render a video; usage rows and `videos.engine` name one of them. */
export const VIDEO_ENGINE_NAMES = ['ffmpeg', 'creatomate'] as const;
export type VideoEngineName = (typeof VIDEO_ENGINE_NAMES)[number];

/** The engine every server has: ours, local, nothing to configure. */
export const LOCAL_VIDEO_ENGINE: VideoEngineName = 'ffmpeg';

/** Each engine's name as people write it, for messages. */
export const VIDEO_ENGINE_LABELS: Record<VideoEngineName, string> = {
  ffmpeg: 'FFmpeg',
  creatomate: 'Creatomate',
};

/** A render taken: by which engine, and why not by the first choice when it fell back. */
export interface RenderSubmission {
  taskId: string;
  usage: Usage;
  engine: VideoEngineName;
  /** true when the render is finished once submitted (ours, local): the first poll need not wait */
  readyWhenSubmitted: boolean;
  fallback?: { from: VideoEngineName; reason: string };
}

/**
 * How far a render has got, as a share of its work (0..1). Renderers call it as often as they
 * learn something (FFmpeg twice a second); the caller decides what to keep.
 */
export type RenderProgressListener = (progress: { fraction: number }) => void;

export interface RenderOptions {
  /** false: fail rather than fall back to another engine */
  allowFallback?: boolean;
  /**
   * true: the caller's last try, so a 429 is no longer waited for: the fallback takes the
   * render (when allowed) instead of the submission failing for good
   */
  lastTry?: boolean;
  /** hears how far a render done inside the submission (FFmpeg) has got */
  onProgress?: RenderProgressListener;
}

export type VideoPoll =
  /** `fraction`: how far the provider says the render is, when it says */
  | { status: 'pending'; fraction?: number }
  | {
      status: 'done';
      /** the engine that rendered this file */
      engine: VideoEngineName;
      video: MediaSource;
      thumbnail?: MediaSource;
      durationSec: number;
      width: number;
      height: number;
    }
  | { status: 'failed'; reason: string };

/** Renders the vertical short video (1080x1920). Asynchronous like Creatomate. */
export abstract class VideoRenderer {
  /** the engine submissions go to first */
  abstract readonly name: VideoEngineName;
  /**
   * True when resending a submission with the same idempotency key cannot pay twice (the
   * provider deduplicates by key, or the engine is ours and free).
   */
  abstract readonly dedupesByKey: boolean;
  /**
   * The engine a submission this one cannot take goes to instead (and is charged to), if any:
   * the caller lets it in only while that engine's budget lasts.
   */
  get fallbackEngine(): VideoEngineName | null {
    return null;
  }
  /**
   * `signal` stops local work (an FFmpeg render) when the process stops; a provider's HTTP
   * submission is not cut off mid-way (an answer lost there could mean paying twice).
   */
  abstract submit(
    req: VideoRequest,
    idempotencyKey: string,
    signal?: AbortSignal,
    opts?: RenderOptions,
  ): Promise<RenderSubmission>;
  abstract poll(taskId: string): Promise<VideoPoll>;
  /**
   * The task id a callback body of this engine's names, or null when the body names none (or
   * the engine never calls back). The body is the provider's, unchecked: only a string id counts.
   */
  taskIdFromCallback(_body: unknown): string | null {
    return null;
  }
  /**
   * What a render submitted for a song of `lengthSec` is billed when only its task id came back
   * (from a callback, after the submission's answer was lost): a callback does not carry the
   * render's length, so the engine says what the asked length costs.
   */
  abstract recoveredUsage(req: { lengthSec: number }): Usage;
  /**
   * What a submission of this request is billed when its answer comes (the answer's `usage`,
   * known before it leaves): the usage row written before the request goes carries it, so an
   * answer that says the same needs no second write.
   */
  abstract submittedUsage(req: Pick<VideoRequest, 'durationSec'>): Usage;
  /**
   * The task's result has been taken (or given up on): local work files go. Providers keep
   * nothing of ours to remove, so by default this does nothing.
   */
  async discard(_taskId: string): Promise<void> {}
}
