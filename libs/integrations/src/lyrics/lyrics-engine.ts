export interface StoreFacts {
  name: string;
  category?: string | null;
  address?: string | null;
  roadAddress?: string | null;
  phone?: string | null;
  description?: string | null;
  menu?: { name: string; price?: string }[] | null;
  hours?: string | null;
  pitch?: string | null;
}

export interface LyricsRequest {
  store: StoreFacts;
  mood: string;
  genre: string;
  keywords: string[];
  /** the owner's hints when regenerating */
  hints?: string;
  lengthSec: number;
}

export interface LyricsDraft {
  title: string;
  sections: { name: string; lines: string[] }[];
}

/** Units a call consumed, for metering (tokens for OpenAI, 0 for offline engines). */
export interface Usage {
  unit: string;
  units: number;
}

/**
 * How the caller meters a paid call try by try: every HTTP try a provider may bill (the first,
 * a resend after a try whose answer was lost, a second completion) gets a row of its own.
 */
export interface PaidTries {
  /** right before such a try leaves: its row is written (the estimate) */
  sending(): Promise<void>;
  /** the try sent last was answered: its row takes what it used (0: nothing billed) */
  answered(usage: Usage): Promise<void>;
}

/** Where lyrics an engine writes come from, as the project's lyrics record them. */
export type LyricsSource = 'openai' | 'template';

/** Writes Korean jingle lyrics for a store. */
export abstract class LyricsEngine {
  abstract readonly name: string;
  /** where lyrics it writes come from, as the project's lyrics record them */
  abstract readonly source: LyricsSource;
  /**
   * `tries.sending` is awaited right before each paid try leaves (after checks made first, such
   * as moderation) and `tries.answered` with what each answered try used: the caller meters
   * every try from then on. `usage` is the whole call's. An engine that pays nobody may skip it.
   */
  abstract write(
    req: LyricsRequest,
    idempotencyKey: string,
    tries?: PaidTries,
  ): Promise<{ lyrics: LyricsDraft; usage: Usage }>;
  /** What one write() is expected to use, metered until its answer says (0 units: free). */
  abstract estimatedUsage(): Usage;
}
