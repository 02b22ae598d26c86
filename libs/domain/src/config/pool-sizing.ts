import { AppRole, Stage } from './stage';

export interface PoolSize {
  /** hard cap of open connections from this instance to one DB node */
  max: number;
  /** idle connections kept open; the rest are closed after the idle timeout */
  idle: number;
}

/**
 * Per-instance pools from the infrastructure document (design.md section 2):
 * the API holds only the main pool, the scheduler only the background pool.
 * The document's "size + overflow" maps to max; "size" to the idle connections kept.
 */
const MAIN_POOL: Record<'1' | '2' | '3', PoolSize> = {
  '1': { max: 40, idle: 20 },
  '2': { max: 20, idle: 10 },
  '3': { max: 10, idle: 5 },
};
const BACKGROUND_POOL: Record<'1' | '2' | '3', PoolSize> = {
  '1': { max: 20, idle: 10 },
  '2': { max: 10, idle: 5 },
  '3': { max: 6, idle: 3 },
};
/** The CLI runs one command at a time: a couple of connections is plenty. */
const CLI_POOL: PoolSize = { max: 2, idle: 1 };

export function defaultPoolSize(stage: Stage, role: AppRole): PoolSize {
  if (role === 'cli') return CLI_POOL;
  // embedded uses SQLite: one writer; the figure only matters if someone points it at MySQL
  const key = stage === 'embedded' ? '1' : stage;
  return role === 'api' ? MAIN_POOL[key] : BACKGROUND_POOL[key];
}
