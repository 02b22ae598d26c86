export const STAGES = ['embedded', '1', '2', '3'] as const;
export type Stage = (typeof STAGES)[number];

/** Which process is asking: the API holds the main pool, the scheduler the background pool. */
export type AppRole = 'api' | 'scheduler' | 'cli';

export function isStaged(stage: Stage): boolean {
  return stage !== 'embedded';
}
