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

/** Where lyrics an engine writes come from, as the project's lyrics record them. */
export type LyricsSource = 'openai' | 'template';

/** Writes Korean jingle lyrics for a store. */
export abstract class LyricsEngine {
  abstract readonly name: string;
  /** where lyrics it writes come from, as the project's lyrics record them */
  abstract readonly source: LyricsSource;
  /**
   * `sending` is awaited right before the paid request leaves (after checks made first, such as
   * moderation): the caller meters the call from then on. An engine that pays nobody may skip it.
   */
  abstract write(
    req: LyricsRequest,
    idempotencyKey: string,
    sending?: () => Promise<void>,
  ): Promise<{ lyrics: LyricsDraft; usage: Usage }>;
  /** What one write() is expected to use, metered until its answer says (0 units: free). */
  abstract estimatedUsage(): Usage;
}
