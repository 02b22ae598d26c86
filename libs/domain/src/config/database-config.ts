import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { HttpVariables } from './http-config';
import { staged, toBool, toInt } from './parse';
import { defaultPoolSize, PoolSize } from './pool-sizing';
import { AppRole, isStaged } from './stage';

/**
 * The database: the embedded SQLite file, or the MySQL/MariaDB primary and replicas when staged.
 * Each is in .env.example; validateEnvironment (environment.ts) checks them all at once.
 */
export class DatabaseVariables extends HttpVariables {
  @IsString() DB_SQLITE_PATH = './data/castad.sqlite';

  /** which server speaks the MySQL protocol: TypeORM reads their catalogues slightly differently */
  @IsIn(['mysql', 'mariadb']) DB_ENGINE: 'mysql' | 'mariadb' = 'mysql';
  @ValidateIf(staged) @IsString() @MinLength(1) DB_HOST?: string;
  @Transform(toInt) @IsInt() @Min(1) @Max(65535) DB_PORT = 3306;
  @ValidateIf(staged) @IsString() @MinLength(1) DB_USER?: string;
  @IsOptional() @IsString() DB_PASSWORD?: string;
  @ValidateIf(staged) @IsString() @MinLength(1) DB_NAME?: string;

  /** host:port list; same user, password and schema as the primary */
  @ValidateIf((o: DatabaseVariables) => o.CASTAD_STAGE === '2' || o.CASTAD_STAGE === '3')
  @Matches(/^[^\s,:]+(:\d{1,5})?(,[^\s,:]+(:\d{1,5})?)*$/, {
    message:
      'DB_REPLICAS must be a comma-separated list of host[:port] (stages 2 and 3 need at least one replica)',
  })
  DB_REPLICAS?: string;
  @Transform(toInt) @IsOptional() @IsInt() @Min(1) @Max(1000) DB_POOL_MAX?: number;
  @Transform(toInt) @IsOptional() @IsInt() @Min(0) @Max(1000) DB_POOL_IDLE?: number;
  @Transform(toInt) @IsInt() @Min(1000) DB_IDLE_TIMEOUT_MS = 270_000;
  @Transform(toInt) @IsInt() @Min(0) DB_KEEPALIVE_INITIAL_DELAY_MS = 10_000;
  @Transform(toInt) @IsInt() @Min(100) DB_CONNECT_TIMEOUT_MS = 5_000;
  @Transform(toInt) @IsInt() @Min(100) DB_NODE_RESTORE_MS = 2_000;
  @Transform(toBool) @IsOptional() @IsBoolean() DB_MIGRATE_ON_START?: boolean;
}

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
export function databaseConfig(env: DatabaseVariables, role: AppRole): DatabaseConfig {
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
