import { defaultPoolSize } from './pool-sizing';
import { Stage } from './stage';

/** The infrastructure document's table (design.md section 2), per stage. */
export const DOCUMENT_TABLE: Record<
  '1' | '2' | '3',
  { instances: number; perInstance: number; primaryTotal: number; maxConnections: number }
> = {
  '1': { instances: 1, perInstance: 60, primaryTotal: 60, maxConnections: 100 },
  '2': { instances: 4, perInstance: 30, primaryTotal: 120, maxConnections: 200 },
  '3': { instances: 8, perInstance: 16, primaryTotal: 128, maxConnections: 300 },
};

export interface CapacityPlan {
  stage: '1' | '2' | '3';
  apiInstances: number;
  replicas: number;
  apiPoolPerNode: number;
  schedulerPoolPerNode: number;
  cliConnections: number;
  /** the most connections our processes can hold to the primary */
  primaryTotal: number;
  /** and to each replica (the pools are per node) */
  perReplicaTotal: number;
  document: (typeof DOCUMENT_TABLE)['1'];
  maxConnections: number;
  /** max_connections left for admin sessions and replication threads */
  headroom: number;
  fits: boolean;
}

/**
 * Connections our topology can open: each API instance holds only the main pool, the one
 * scheduler only the background pool, and each pool is per node (primary and every replica).
 */
export function planCapacity(
  stage: '1' | '2' | '3',
  apiInstances: number,
  maxConnections?: number,
  overridePoolMax?: number,
): CapacityPlan {
  const api = overridePoolMax ?? defaultPoolSize(stage as Stage, 'api').max;
  const scheduler = defaultPoolSize(stage as Stage, 'scheduler').max;
  const cli = defaultPoolSize(stage as Stage, 'cli').max;
  const replicas = stage === '1' ? 0 : stage === '2' ? 1 : 2;
  const total = apiInstances * api + scheduler + cli;
  const max = maxConnections ?? DOCUMENT_TABLE[stage].maxConnections;
  // a few connections stay free for replication threads and an operator's session
  const reserve = 10;
  return {
    stage,
    apiInstances,
    replicas,
    apiPoolPerNode: api,
    schedulerPoolPerNode: scheduler,
    cliConnections: cli,
    primaryTotal: total,
    perReplicaTotal: replicas ? total : 0,
    document: DOCUMENT_TABLE[stage],
    maxConnections: max,
    headroom: max - total,
    fits: total + reserve <= max,
  };
}
