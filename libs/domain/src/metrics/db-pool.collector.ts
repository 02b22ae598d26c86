import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { dbPool } from './metrics';

interface Mysql2Pool {
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
}

/** Reads mysql2's pools (one per node) when metrics are scraped. */
@Injectable()
export class DbPoolCollector implements OnModuleInit {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  onModuleInit(): void {
    (dbPool as unknown as { collect?: () => void }).collect = () => this.collect();
  }

  collect(): void {
    const driver = this.ds.driver as unknown as {
      pool?: Mysql2Pool;
      poolCluster?: { _nodes: Record<string, { pool: Mysql2Pool }> };
    };
    const pools: [string, Mysql2Pool][] = [];
    if (driver.poolCluster)
      for (const [id, n] of Object.entries(driver.poolCluster._nodes))
        pools.push([id === 'MASTER' ? 'primary' : id.replace('SLAVE', 'replica'), n.pool]);
    else if (driver.pool) pools.push(['primary', driver.pool]);
    dbPool.reset();
    for (const [node, p] of pools) {
      const all = p._allConnections?.length ?? 0;
      const free = p._freeConnections?.length ?? 0;
      dbPool.set({ node, state: 'in_use' }, all - free);
      dbPool.set({ node, state: 'idle' }, free);
      dbPool.set({ node, state: 'waiting' }, p._connectionQueue?.length ?? 0);
    }
  }
}
