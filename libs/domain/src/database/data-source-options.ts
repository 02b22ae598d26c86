import { resolve } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { DatabaseConfig } from '../config/database-config';
import { ENTITIES } from '../entities';
import { MIGRATIONS } from '../migrations';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import { StatementCounter } from './statement-counter';

/**
 * TypeORM options for the configured database. SQLite for the embedded default; mysql2 with
 * per-instance pools (and a pool cluster once replicas exist) for the staged deployments.
 */
export function dataSourceOptions(db: DatabaseConfig): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    logging: false as const,
    logger: new StatementCounter(),
  };
  if (db.kind === 'sqlite') {
    return {
      ...common,
      type: 'better-sqlite3',
      database: db.path === ':memory:' ? ':memory:' : resolve(db.path),
      enableWAL: true,
      // several processes share the file (API + scheduler): wait for the writer instead of failing
      timeout: 10_000,
      prepareDatabase: (sqlite: { pragma: (s: string) => unknown }) => {
        sqlite.pragma('busy_timeout = 10000');
        sqlite.pragma('foreign_keys = ON');
        sqlite.pragma('synchronous = NORMAL');
      },
    };
  }
  // mysql2 pool options. Idle connections above `idle` close after idleTimeout, which must be
  // under the server's wait_timeout (mysql2 only reaps when maxIdle < connectionLimit).
  const extra = {
    connectionLimit: db.pool.max,
    maxIdle: db.pool.idle,
    idleTimeout: db.idleTimeoutMs,
    waitForConnections: true,
    queueLimit: 0,
    enableKeepAlive: true,
    keepAliveInitialDelay: db.keepAliveInitialDelayMs,
    // mysql2 captures a stack trace for every query to decorate errors; TypeORM wraps errors with
    // the query anyway, and the capture was 2-4% of the API's and the scheduler's CPU
    trace: false,
  };
  const base = {
    ...common,
    type: db.engine,
    connectorPackage: 'mysql2' as const,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    connectTimeout: db.connectTimeoutMs,
    dateStrings: false,
    supportBigNumbers: true,
    bigNumberStrings: true,
    poolSize: db.pool.max,
    extra,
  };
  const credentials = (n: { host: string; port: number }) => ({
    host: n.host,
    port: n.port,
    username: db.user,
    password: db.password,
    database: db.database,
  });
  if (db.replicas.length === 0) {
    return { ...base, ...credentials(db.primary) };
  }
  return {
    ...base,
    replication: {
      master: credentials(db.primary),
      slaves: db.replicas.map(credentials),
      // Plain repository calls go to the primary; replica reads are an explicit choice
      // (DatabaseRouter.read) so read-after-write never breaks silently.
      defaultMode: 'master',
      canRetry: true,
      // a failing node is taken offline for nodeRestoreMs, then tried again: without this
      // mysql2 removes it forever, the primary included
      removeNodeErrorCount: 3,
      restoreNodeTimeout: db.nodeRestoreMs,
    },
  } as DataSourceOptions;
}
