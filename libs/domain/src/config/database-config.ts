import { EnvironmentVariables } from './environment';
import { defaultPoolSize, PoolSize } from './pool-sizing';
import { AppRole, isStaged } from './stage';

export interface DbNode {
  host: string;
  port: number;
}

export type DatabaseConfig =
  | { kind: 'sqlite'; path: string; migrateOnStart: boolean }
  | {
      kind: 'mysql';
      engine: 'mysql' | 'mariadb';
      primary: DbNode;
      replicas: DbNode[];
      user: string;
      password?: string;
      database: string;
      pool: PoolSize;
      idleTimeoutMs: number;
      keepAliveInitialDelayMs: number;
      connectTimeoutMs: number;
      nodeRestoreMs: number;
      migrateOnStart: boolean;
    };

/** The database: the embedded SQLite file, or the MySQL primary and its replicas when staged. */
export function databaseConfig(env: EnvironmentVariables, role: AppRole): DatabaseConfig {
  // Only the API migrates at start, and by default only the embedded one; the CLI's
  // `migrate` is the explicit way, and two processes migrating one file at once would race.
  const migrateOnStart = role === 'api' && (env.DB_MIGRATE_ON_START ?? !isStaged(env.CASTAD_STAGE));
  if (!isStaged(env.CASTAD_STAGE)) {
    return { kind: 'sqlite', path: env.DB_SQLITE_PATH, migrateOnStart };
  }
  const defaults = defaultPoolSize(env.CASTAD_STAGE, role);
  const max = env.DB_POOL_MAX ?? defaults.max;
  const idle = Math.min(env.DB_POOL_IDLE ?? defaults.idle, max);
  const replicas =
    env.CASTAD_STAGE === '1'
      ? []
      : (env.DB_REPLICAS ?? '')
          .split(',')
          .filter(Boolean)
          .map((s) => parseNode(s, env.DB_PORT));
  return {
    kind: 'mysql',
    engine: env.DB_ENGINE,
    primary: { host: env.DB_HOST!, port: env.DB_PORT },
    replicas,
    user: env.DB_USER!,
    password: env.DB_PASSWORD,
    database: env.DB_NAME!,
    pool: { max, idle },
    idleTimeoutMs: env.DB_IDLE_TIMEOUT_MS,
    keepAliveInitialDelayMs: env.DB_KEEPALIVE_INITIAL_DELAY_MS,
    connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
    nodeRestoreMs: env.DB_NODE_RESTORE_MS,
    migrateOnStart,
  };
}

function parseNode(spec: string, defaultPort: number): DbNode {
  const [host, port] = spec.trim().split(':');
  return { host, port: port ? Number(port) : defaultPort };
}
