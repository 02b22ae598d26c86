import { hostname } from 'node:os';
import { EnvironmentVariables } from './environment';
import { defaultPoolSize, PoolSize } from './pool-sizing';
import { AppRole, isStaged, Stage } from './stage';

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

/**
 * The typed, validated configuration every module reads (never process.env directly).
 * It is built once per process from EnvironmentVariables and the process role.
 */
export class AppConfig {
  readonly stage: Stage;
  readonly role: AppRole;
  readonly instanceId: string;
  readonly logLevel: string;
  readonly http: { host: string; port: number; shutdownTimeoutMs: number };
  readonly schedulerHealthPort?: number;
  readonly scheduler: { leaseMs: number };
  readonly database: DatabaseConfig;
  readonly redisUrl?: string;

  constructor(env: EnvironmentVariables, role: AppRole) {
    this.stage = env.CASTAD_STAGE;
    this.role = role;
    this.instanceId = env.INSTANCE_ID ?? `${hostname()}-${process.pid}`;
    this.logLevel = env.LOG_LEVEL;
    this.http = { host: env.HOST, port: env.PORT, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS };
    this.schedulerHealthPort = env.SCHEDULER_HEALTH_PORT;
    this.scheduler = { leaseMs: env.SCHEDULER_LEASE_MS };
    this.redisUrl = env.REDIS_URL;
    this.database = AppConfig.database(env, role);
  }

  private static database(env: EnvironmentVariables, role: AppRole): DatabaseConfig {
    // Only the API migrates at start, and by default only the embedded one; the CLI's
    // `migrate` is the explicit way, and two processes migrating one file at once would race.
    const migrateOnStart =
      role === 'api' && (env.DB_MIGRATE_ON_START ?? !isStaged(env.CASTAD_STAGE));
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
}

function parseNode(spec: string, defaultPort: number): DbNode {
  const [host, port] = spec.trim().split(':');
  return { host, port: port ? Number(port) : defaultPort };
}
