import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { IntegrationsOptions } from '@app/integrations';
import { createHash } from 'node:crypto';
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

export type JwtKeys =
  | { algorithm: 'HS256'; secret: string }
  | { algorithm: 'RS256'; privateKey: string; publicKey: string };

export interface AuthConfig {
  jwt: JwtKeys;
  accessTtlSec: number;
  refreshTtlSec: number;
  stateTtlSec: number;
  frontendRedirects: string[];
  /** POST /v1/auth/dev-login exists only in the embedded default */
  devLogin: boolean;
}

export interface PipelineConfig {
  driver: 'inprocess' | 'bull';
  pollMs: number;
  leaseMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  songPollMs: number;
  videoPollMs: number;
  concurrency: Record<'lyrics' | 'song' | 'video' | 'store' | 'publish', number>;
  projectsPerDay: number;
  submissionRecoveryMs: number;
  budgetRecheckMs: number;
}

export interface KakaoConfig {
  clientId: string;
  clientSecret?: string;
  appId: string;
  redirectUri: string;
  authUrl: string;
  apiUrl: string;
}

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
  /** SSE: heartbeat of an idle stream; the shared DB poll's interval without Redis pub/sub */
  readonly liveProgress: { heartbeatMs: number; pollMs: number };
  readonly auth: AuthConfig;
  readonly kakao?: KakaoConfig;
  readonly providerTimeoutMs: number;
  readonly publicBaseUrl: string;
  readonly integrations: IntegrationsOptions;
  readonly pipeline: PipelineConfig;
  readonly metricsAllowCidrs: string[];
  readonly rateLimitPerMinute: number;
  readonly trustedProxies: string[];
  readonly prices: Record<string, number>;
  readonly photos: {
    maxBytes: number;
    maxPixels: number;
    perStore: number;
    fetchAllowHosts: string[];
  };
  readonly socialTokenKey: Buffer;
  readonly publishPollMs: number;
  readonly dailyBudgetUsd: Record<string, number>;

  constructor(env: EnvironmentVariables, role: AppRole) {
    this.stage = env.CASTAD_STAGE;
    this.role = role;
    this.instanceId = env.INSTANCE_ID ?? `${hostname()}-${process.pid}`;
    this.logLevel = env.LOG_LEVEL;
    this.http = { host: env.HOST, port: env.PORT, shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS };
    this.schedulerHealthPort = env.SCHEDULER_HEALTH_PORT;
    this.scheduler = { leaseMs: env.SCHEDULER_LEASE_MS };
    this.redisUrl = env.REDIS_URL;
    this.liveProgress = { heartbeatMs: env.SSE_HEARTBEAT_MS, pollMs: env.SSE_POLL_MS };
    this.database = AppConfig.database(env, role);
    this.providerTimeoutMs = env.PROVIDER_TIMEOUT_MS;
    this.auth = {
      jwt:
        env.JWT_ALGORITHM === 'RS256'
          ? {
              algorithm: 'RS256',
              privateKey: pem(env.JWT_PRIVATE_KEY!),
              publicKey: pem(env.JWT_PUBLIC_KEY!),
            }
          : { algorithm: 'HS256', secret: env.JWT_SECRET ?? embeddedSecret(env.DB_SQLITE_PATH) },
      accessTtlSec: env.ACCESS_TOKEN_TTL_SEC,
      refreshTtlSec: env.REFRESH_TOKEN_TTL_SEC,
      stateTtlSec: env.AUTH_STATE_TTL_SEC,
      frontendRedirects: (env.AUTH_FRONTEND_REDIRECTS ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      devLogin: !isStaged(env.CASTAD_STAGE),
    };
    this.publicBaseUrl = (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(
      /\/+$/,
      '',
    );
    const jwt = this.auth.jwt;
    const fileKey = createHash('sha256')
      .update(`castad-file-urls\n${jwt.algorithm === 'HS256' ? jwt.secret : jwt.privateKey}`)
      .digest('hex');
    this.integrations = {
      providerTimeoutMs: env.PROVIDER_TIMEOUT_MS,
      kakao: env.KAKAO_CLIENT_ID ? { apiUrl: env.KAKAO_API_URL.replace(/\/+$/, '') } : undefined,
      lyrics:
        env.LYRICS_ENGINE === 'openai'
          ? {
              engine: 'openai',
              openai: {
                baseUrl: env.OPENAI_BASE_URL.replace(/\/+$/, ''),
                apiKey: env.OPENAI_API_KEY!,
                model: env.OPENAI_MODEL,
                moderationModel: env.OPENAI_MODERATION_MODEL,
                timeoutMs: env.PROVIDER_TIMEOUT_MS * 6,
                maxRetries: 1,
                maxCompletionTokens: env.OPENAI_MAX_COMPLETION_TOKENS,
              },
            }
          : { engine: 'template' },
      publish: {
        youtube: env.GOOGLE_CLIENT_ID
          ? {
              clientId: env.GOOGLE_CLIENT_ID,
              clientSecret: env.GOOGLE_CLIENT_SECRET!,
              authUrl: env.GOOGLE_AUTH_URL,
              tokenUrl: env.GOOGLE_TOKEN_URL,
              apiUrl: env.YOUTUBE_API_URL.replace(/\/*$/, '/'),
              timeoutMs: env.PROVIDER_TIMEOUT_MS,
              chunkBytes: env.YOUTUBE_UPLOAD_CHUNK_BYTES,
            }
          : undefined,
        instagram: env.INSTAGRAM_APP_ID
          ? {
              appId: env.INSTAGRAM_APP_ID,
              appSecret: env.INSTAGRAM_APP_SECRET!,
              authUrl: env.INSTAGRAM_AUTH_URL,
              tokenUrl: env.INSTAGRAM_TOKEN_URL,
              graphUrl: env.INSTAGRAM_GRAPH_URL.replace(/\/+$/, ''),
              timeoutMs: env.PROVIDER_TIMEOUT_MS,
            }
          : undefined,
      },
      search:
        env.STORE_SEARCH_ENGINE === 'naver'
          ? {
              engine: 'naver',
              naver: {
                baseUrl: env.NAVER_BASE_URL.replace(/\/+$/, ''),
                clientId: env.NAVER_CLIENT_ID!,
                clientSecret: env.NAVER_CLIENT_SECRET!,
                timeoutMs: env.PROVIDER_TIMEOUT_MS,
              },
            }
          : { engine: 'sample' },
      song:
        env.SONG_ENGINE === 'suno'
          ? {
              engine: 'suno',
              suno: {
                baseUrl: env.SUNO_BASE_URL.replace(/\/+$/, ''),
                apiKey: env.SUNO_API_KEY!,
                model: env.SUNO_MODEL,
                timeoutMs: env.PROVIDER_TIMEOUT_MS,
                dedupesByKey: env.SUNO_DEDUPES_IDEMPOTENCY_KEY,
                creditsPerSong: env.SUNO_CREDITS_PER_SONG,
              },
            }
          : { engine: 'synth' },
      video:
        env.VIDEO_ENGINE === 'creatomate'
          ? {
              engine: 'creatomate',
              creatomate: {
                baseUrl: env.CREATOMATE_BASE_URL.replace(/\/+$/, ''),
                apiKey: env.CREATOMATE_API_KEY!,
                templateId: env.CREATOMATE_TEMPLATE_ID!,
                timeoutMs: env.PROVIDER_TIMEOUT_MS,
                dedupesByKey: env.CREATOMATE_DEDUPES_IDEMPOTENCY_KEY,
              },
              ffmpegTimeoutMs: env.FFMPEG_TIMEOUT_MS,
              fallbackToFfmpeg: env.VIDEO_FALLBACK_TO_FFMPEG,
              fallbackMaxWaitSec: env.VIDEO_FALLBACK_MAX_WAIT_SEC,
            }
          : { engine: 'ffmpeg', ffmpegTimeoutMs: env.FFMPEG_TIMEOUT_MS },
      blob: env.AZURE_STORAGE_CONNECTION_STRING
        ? {
            engine: 'azure',
            connectionString: env.AZURE_STORAGE_CONNECTION_STRING,
            containerPrefix: env.AZURE_CONTAINER_PREFIX,
          }
        : {
            engine: 'local',
            root: env.BLOB_LOCAL_ROOT,
            publicBaseUrl: this.publicBaseUrl,
            signingKey: fileKey,
          },
      workDir: env.WORK_DIR,
    };
    // a table that lists only some prices keeps the defaults for the others
    this.prices = {
      ...numberMap('PRICE_TABLE', new EnvironmentVariables().PRICE_TABLE),
      ...numberMap('PRICE_TABLE', env.PRICE_TABLE),
    };
    this.photos = {
      maxBytes: env.PHOTO_MAX_BYTES,
      maxPixels: env.PHOTO_MAX_PIXELS,
      perStore: env.PHOTOS_PER_STORE,
      fetchAllowHosts: (env.FETCH_ALLOW_HOSTS ?? '')
        .split(',')
        .map((h) => h.trim())
        .filter(Boolean),
    };
    // embedded: derived from the token secret so a restart keeps stored social tokens readable
    this.socialTokenKey = env.SOCIAL_TOKEN_KEY
      ? Buffer.from(env.SOCIAL_TOKEN_KEY, 'hex')
      : createHash('sha256')
          .update(
            `castad-social-tokens\n${jwt.algorithm === 'HS256' ? jwt.secret : jwt.privateKey}`,
          )
          .digest();
    this.publishPollMs = env.PUBLISH_POLL_MS;
    this.dailyBudgetUsd = numberMap('DAILY_BUDGET_USD', env.DAILY_BUDGET_USD ?? '{}');
    this.rateLimitPerMinute = env.RATE_LIMIT_PER_MINUTE;
    this.trustedProxies = (env.TRUSTED_PROXIES ?? '')
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    this.metricsAllowCidrs = (env.METRICS_ALLOW_CIDRS ?? '')
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    this.pipeline = {
      driver: env.DISPATCH_DRIVER ?? (env.CASTAD_STAGE === '3' ? 'bull' : 'inprocess'),
      pollMs: env.PIPELINE_POLL_MS,
      leaseMs: env.PIPELINE_LEASE_MS,
      maxAttempts: env.PIPELINE_MAX_ATTEMPTS,
      backoffBaseMs: env.PIPELINE_BACKOFF_BASE_MS,
      backoffMaxMs: env.PIPELINE_BACKOFF_MAX_MS,
      songPollMs: env.SONG_POLL_MS,
      videoPollMs: env.VIDEO_POLL_MS,
      concurrency: {
        lyrics: env.PIPELINE_CONCURRENCY_LYRICS,
        song: env.PIPELINE_CONCURRENCY_SONG,
        video: env.PIPELINE_CONCURRENCY_VIDEO,
        store: env.PIPELINE_CONCURRENCY_OTHER,
        publish: env.PIPELINE_CONCURRENCY_OTHER,
      },
      projectsPerDay: env.PROJECTS_PER_DAY,
      submissionRecoveryMs: env.SUBMISSION_RECOVERY_MS,
      budgetRecheckMs: env.BUDGET_RECHECK_MS,
    };
    if (env.KAKAO_CLIENT_ID) {
      this.kakao = {
        clientId: env.KAKAO_CLIENT_ID,
        clientSecret: env.KAKAO_CLIENT_SECRET,
        appId: env.KAKAO_APP_ID!,
        redirectUri: env.KAKAO_REDIRECT_URI!,
        authUrl: env.KAKAO_AUTH_URL.replace(/\/+$/, ''),
        apiUrl: env.KAKAO_API_URL.replace(/\/+$/, ''),
      };
    }
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

const pem = (value: string) => value.replace(/\\n/g, '\n');

/**
 * The embedded default needs no keys, yet the API and the scheduler must share one signing
 * secret that survives restarts: it is made once and kept beside the SQLite file (0600).
 */
function embeddedSecret(sqlitePath: string): string {
  const dir = sqlitePath === ':memory:' ? resolve('data') : dirname(resolve(sqlitePath));
  const file = join(dir, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
    } catch {
      /* another process made it first */
    }
  }
  return readFileSync(file, 'utf8').trim();
}

/** A JSON object of non-negative numbers, or a configuration error naming the variable. */
function numberMap(name: string, json: string): Record<string, number> {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    throw new Error(`Invalid configuration:\n  ${name}: not valid JSON`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new Error(`Invalid configuration:\n  ${name}: must be a JSON object`);
  for (const [k, n] of Object.entries(v)) {
    if (typeof n !== 'number' || !(n >= 0))
      throw new Error(
        `Invalid configuration:\n  ${name}: "${k}" must be a number of USD, 0 or more`,
      );
  }
  return v as Record<string, number>;
}
