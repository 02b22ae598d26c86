import { LyricsDraft, Usage } from '../lyrics/lyrics-engine';

/**
 * The song lengths the engines can make, seconds: the synth composes to any of them, a
 * provider's longer song is cut to it. The product's own bounds (project options) lie inside.
 */
export const SONG_LENGTH_SEC = { min: 10, max: 120 } as const;

export interface SongRequest {
  title: string;
  lyrics: LyricsDraft;
  mood: string;
  genre: string;
  lengthSec: number;
  /** where the provider may call back when done (a hint; we poll anyway) */
  callbackUrl?: string;
}

/** A file an engine produced: on disk (offline engines) or at a provider URL that expires. */
export type MediaSource =
  | { kind: 'file'; path: string; contentType: string }
  | { kind: 'url'; url: string; contentType: string };

/** The song's pulse, for cutting a video on the beat. */
export interface SongBeats {
  /** beats per minute */
  bpm: number;
  /** the second of every beat, ascending, from the start of the clip */
  times: number[];
  /** 'composed': the engine wrote them (synth); 'detected': found in the audio (onsets) */
  source: 'composed' | 'detected';
}

/** One word as the provider heard it sung, seconds from the start of the clip. */
export interface SungWord {
  /** the word as written, without the provider's section tags or line breaks */
  text: string;
  startSec: number;
  endSec: number;
  /** false: the provider could not place this word in the audio (its times mean nothing) */
  placed: boolean;
}

/**
 * The sung words of a clip, as far as the engine knows them: `words` (none for an
 * instrumental), or why they are not known (the provider failed to say: captions then
 * follow the lines only).
 */
export type SungWords = { known: true; words: SungWord[] } | { known: false; reason: string };

export interface SongClip {
  providerClipId: string;
  durationSec: number;
  audio: MediaSource;
  /** true when the clip is sung (a voice to follow), false for an instrumental (the synth) */
  vocals: boolean;
  /** start second of each lyric line, when the engine knows it */
  lineTimings?: number[];
  /**
   * tempo and beat times, when the engine knows them (the synth composes them); without, the
   * FFmpeg renderer finds them in the audio
   */
  beats?: SongBeats;
}

export type SongPoll =
  | { status: 'pending' }
  | { status: 'done'; clips: SongClip[] }
  | { status: 'failed'; reason: string }
  /** the provider no longer has the task (files and all): only a new generation helps */
  | { status: 'gone'; reason: string };

/**
 * Makes a song from lyrics. Asynchronous like Suno: submit, then poll. `submit` must be
 * safe to call again with the same idempotency key where the provider allows it.
 */
export abstract class SongEngine {
  abstract readonly name: string;
  /**
   * True when resending a submission with the same idempotency key cannot pay twice (the
   * provider deduplicates by key, or the engine is ours and free).
   */
  abstract readonly dedupesByKey: boolean;
  /** true when a submitted task is finished at once (ours, local): the first poll need not wait */
  abstract readonly readyWhenSubmitted: boolean;
  /** `signal` stops local work (the synth) when the process stops; see VideoRenderer.submit */
  abstract submit(
    req: SongRequest,
    idempotencyKey: string,
    signal?: AbortSignal,
  ): Promise<{ taskId: string; usage: Usage }>;
  abstract poll(taskId: string): Promise<SongPoll>;
  /**
   * The task id a callback body of this engine's names, or null when the body names none (or
   * the engine never calls back). The body is the provider's, unchecked: only a string id counts.
   */
  taskIdFromCallback(_body: unknown): string | null {
    return null;
  }
  /**
   * What a submission costs when only its task id came back (from a callback, after the
   * submission's answer was lost): the same charge `submit` reports.
   */
  abstract recoveredUsage(req: { lengthSec: number }): Usage;
  /**
   * When each word of a finished clip is sung (asked as the clips arrive, once per clip).
   * An engine that cannot say (an instrumental, the synth) says nothing is sung.
   */
  async sungWords(_taskId: string, _providerClipId: string): Promise<SungWords> {
    return { known: true, words: [] };
  }
  /**
   * The task's clips have been taken (or given up on): local work files go. Providers keep
   * nothing of ours to remove, so by default this does nothing.
   */
  async discard(_taskId: string): Promise<void> {}
}
