export * from './metrics';
export * from './db-pool.collector';
