import { DataSource, QueryRunner } from 'typeorm';

interface ClusterNode {
  id: string;
  _offlineUntil: number;
}
interface PoolClusterLike {
  _getNode?: (id: string) => ClusterNode | null;
  emit?: (event: string, id: string) => void;
}

/**
 * Takes the replica a query runner was connected to out of mysql2's PoolCluster rotation for
 * `ms`, as mysql2 itself does after repeated connection errors (`restoreNodeTimeout`): it counts
 * only failed connects, not a pooled connection that died under a query, so without this the
 * next reads go to the same stopped replica. Uses the cluster's node record (the same
 * `_offlineUntil` on its monotonic clock); does nothing when the driver is not a PoolCluster.
 */
export function setAsideNode(dataSource: DataSource, runner: QueryRunner, ms: number): void {
  if (ms <= 0) return;
  const cluster = (dataSource.driver as unknown as { poolCluster?: PoolClusterLike }).poolCluster;
  const id = (runner as unknown as { databaseConnection?: { _clusterId?: string } })
    .databaseConnection?._clusterId;
  const node = id && cluster?._getNode ? cluster._getNode(id) : null;
  if (!node) return;
  const [s, ns] = process.hrtime();
  node._offlineUntil = s * 1e3 + ns * 1e-6 + ms;
  cluster?.emit?.('offline', node.id);
}
