export const STAGES = ['embedded', '1', '2', '3'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * Which process is asking: the API holds the main pool, the scheduler the background pool; a
 * worker is the scheduler app started with --worker (stage 3: it only works Bull queues, never
 * leads), and holds a background pool too.
 */
export type AppRole = 'api' | 'scheduler' | 'worker' | 'cli';

export function isStaged(stage: Stage): boolean {
  return stage !== 'embedded';
}
