import { VIDEO_ENGINE_NAMES } from '@app/integrations';
import type { ProjectOptions } from '../entities/project.entity';

/**
 * The one home of a project's options: what an owner may choose and what is chosen when they
 * do not. The API's DTOs validate against these, the domain fills defaults from them, and the
 * engines' own limits (SONG_LENGTH_SEC) hold them (a spec checks that they do).
 */
export const PROJECT_MOODS = ['bright', 'calm', 'energetic', 'emotional'] as const;
export const PROJECT_GENRES = [
  'pop',
  'trot',
  'ballad',
  'hiphop',
  'rock',
  'jazz',
  'acoustic',
  'edm',
] as const;
export type ProjectMood = (typeof PROJECT_MOODS)[number];
export type ProjectGenre = (typeof PROJECT_GENRES)[number];

/** The jingle's and the video's length, seconds. */
export const PROJECT_LENGTH_SEC = { min: 15, max: 60, default: 30 } as const;
/** Words the lyrics should carry: how many, and how long each. */
export const PROJECT_KEYWORDS = { max: 5, maxLength: 30 } as const;
/** The owner's hints for new lyrics, characters. */
export const LYRIC_HINTS_MAX_LENGTH = 300;
/** The renderers an owner may ask for (the server's configured one when none is asked). */
export const PROJECT_VIDEO_ENGINES = VIDEO_ENGINE_NAMES;

export const DEFAULT_MOOD: ProjectMood = 'bright';
export const DEFAULT_GENRE: ProjectGenre = 'pop';

/**
 * The options with a default wherever none was chosen: what a new project is made with, and
 * what the steps work from (a row may predate an option).
 */
export function withDefaults(
  chosen: ProjectOptions,
): ProjectOptions & Required<Pick<ProjectOptions, 'mood' | 'genre' | 'lengthSec' | 'keywords'>> {
  return {
    ...chosen,
    mood: chosen.mood ?? DEFAULT_MOOD,
    genre: chosen.genre ?? DEFAULT_GENRE,
    lengthSec: chosen.lengthSec ?? PROJECT_LENGTH_SEC.default,
    keywords: chosen.keywords ?? [],
  };
}

/**
 * The project's length within the product's bounds: the default when none was chosen, and a
 * value from before the bounds (or written by hand) brought inside them.
 */
export function lengthSecOf(o: ProjectOptions): number {
  const asked = o.lengthSec ?? PROJECT_LENGTH_SEC.default;
  return Math.min(PROJECT_LENGTH_SEC.max, Math.max(PROJECT_LENGTH_SEC.min, asked));
}
