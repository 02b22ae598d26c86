import { plainToInstance, Transform } from 'class-transformer';
import {
  IsDivisibleBy,
  IsBoolean,
  IsIn,
  IsUrl,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
  validateSync,
} from 'class-validator';
import { STAGES, Stage } from './stage';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);
const toBool = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  if (value === true || value === 'true' || value === '1') return true;
  if (value === false || value === 'false' || value === '0') return false;
  return value; // left as is so IsBoolean reports it by name
};
const staged = (o: EnvironmentVariables) => o.CASTAD_STAGE !== 'embedded';

/**
 * Every variable the apps read. Each is documented in .env.example; a bad value stops the
 * process with a message naming the variable (validateEnvironment below).
 */
export class EnvironmentVariables {
  @IsIn(STAGES as unknown as string[], {
    message: 'CASTAD_STAGE must be one of: embedded, 1, 2, 3',
  })
  CASTAD_STAGE: Stage = 'embedded';

  @IsOptional() @IsString() INSTANCE_ID?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsString() HOST = '0.0.0.0';

  @Transform(toInt) @IsInt() @Min(0) @Max(65535) PORT = 3000;

  @Transform(toInt) @IsOptional() @IsInt() @Min(0) @Max(65535) SCHEDULER_HEALTH_PORT?: number;

  @Transform(toInt) @IsInt() @Min(0) SHUTDOWN_TIMEOUT_MS = 10_000;

  /** how long the scheduler leader's lease lasts without renewal (a standby takes over after it) */
  @Transform(toInt) @IsInt() @Min(1000) SCHEDULER_LEASE_MS = 4_000;

  // --- database ---
  @IsString() DB_SQLITE_PATH = './data/castad.sqlite';

  /** which server speaks the MySQL protocol: TypeORM reads their catalogues slightly differently */
  @IsIn(['mysql', 'mariadb']) DB_ENGINE: 'mysql' | 'mariadb' = 'mysql';
  @ValidateIf(staged) @IsString() @MinLength(1) DB_HOST?: string;
  @Transform(toInt) @IsInt() @Min(1) @Max(65535) DB_PORT = 3306;
  @ValidateIf(staged) @IsString() @MinLength(1) DB_USER?: string;
  @IsOptional() @IsString() DB_PASSWORD?: string;
  @ValidateIf(staged) @IsString() @MinLength(1) DB_NAME?: string;

  /** host:port list; same user, password and schema as the primary */
  @ValidateIf((o: EnvironmentVariables) => o.CASTAD_STAGE === '2' || o.CASTAD_STAGE === '3')
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

  // --- our tokens ---
  @IsIn(['HS256', 'RS256']) JWT_ALGORITHM: 'HS256' | 'RS256' = 'HS256';
  /** HS256 secret, at least 32 bytes; required when staged (embedded keeps one under ./data) */
  @ValidateIf(
    (o: EnvironmentVariables) =>
      o.JWT_ALGORITHM === 'HS256' && (staged(o) || o.JWT_SECRET !== undefined),
  )
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 bytes' })
  JWT_SECRET?: string;
  /** RS256 keys, PEM (\n may be written as a literal backslash-n) */
  @ValidateIf((o: EnvironmentVariables) => o.JWT_ALGORITHM === 'RS256')
  @Matches(/-----BEGIN (RSA )?PRIVATE KEY-----/, {
    message: 'JWT_PRIVATE_KEY must be a PEM private key (JWT_ALGORITHM=RS256)',
  })
  JWT_PRIVATE_KEY?: string;
  @ValidateIf((o: EnvironmentVariables) => o.JWT_ALGORITHM === 'RS256')
  @Matches(/-----BEGIN PUBLIC KEY-----/, {
    message: 'JWT_PUBLIC_KEY must be a PEM public key (JWT_ALGORITHM=RS256)',
  })
  JWT_PUBLIC_KEY?: string;
  @Transform(toInt) @IsInt() @Min(60) @Max(86_400) ACCESS_TOKEN_TTL_SEC = 900;
  @Transform(toInt) @IsInt() @Min(3600) REFRESH_TOKEN_TTL_SEC = 2_592_000;

  // --- Kakao login ---
  /** the app's REST API key; Kakao login is off without it (required when staged) */
  @ValidateIf((o: EnvironmentVariables) => staged(o) || o.KAKAO_CLIENT_ID !== undefined)
  @IsString()
  @MinLength(1)
  KAKAO_CLIENT_ID?: string;
  @IsOptional() @IsString() KAKAO_CLIENT_SECRET?: string;
  /** our Kakao app id: a mobile token minted for another app is refused */
  @ValidateIf((o: EnvironmentVariables) => o.KAKAO_CLIENT_ID !== undefined)
  @Matches(/^\d+$/, {
    message: 'KAKAO_APP_ID must be the numeric Kakao app id (required with KAKAO_CLIENT_ID)',
  })
  KAKAO_APP_ID?: string;
  /** the callback URL registered with Kakao (…/v1/auth/kakao/callback) */
  @ValidateIf((o: EnvironmentVariables) => o.KAKAO_CLIENT_ID !== undefined)
  @IsUrl(
    { require_tld: false, require_protocol: true },
    { message: 'KAKAO_REDIRECT_URI must be an absolute URL (required with KAKAO_CLIENT_ID)' },
  )
  KAKAO_REDIRECT_URI?: string;
  @IsUrl({ require_tld: false, require_protocol: true }) KAKAO_AUTH_URL = 'https://kauth.kakao.com';
  @IsUrl({ require_tld: false, require_protocol: true }) KAKAO_API_URL = 'https://kapi.kakao.com';
  @Transform(toInt) @IsInt() @Min(1000) PROVIDER_TIMEOUT_MS = 10_000;
  /** how long a login's signed state stays valid */
  @Transform(toInt) @IsInt() @Min(30) @Max(3600) AUTH_STATE_TTL_SEC = 600;
  /** front-end URLs a web login may return to (comma-separated, exact origin + path prefix) */
  @IsOptional() @IsString() AUTH_FRONTEND_REDIRECTS?: string;

  // --- where the product is reached from outside (file links, provider callbacks) ---
  /** our public base URL, e.g. https://api.castad.kr (default: http://localhost:PORT) */
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true }) PUBLIC_BASE_URL?: string;

  // --- engines ---
  /** sample (bundled made-up stores) | naver (Naver Local Search) */
  @IsIn(['sample', 'naver']) STORE_SEARCH_ENGINE: 'sample' | 'naver' = 'sample';
  @IsUrl({ require_tld: false, require_protocol: true }) NAVER_BASE_URL =
    'https://openapi.naver.com';
  @ValidateIf((o: EnvironmentVariables) => o.STORE_SEARCH_ENGINE === 'naver')
  @IsString()
  @MinLength(1, { message: 'NAVER_CLIENT_ID is required with STORE_SEARCH_ENGINE=naver' })
  NAVER_CLIENT_ID?: string;
  @ValidateIf((o: EnvironmentVariables) => o.STORE_SEARCH_ENGINE === 'naver')
  @IsString()
  @MinLength(1, { message: 'NAVER_CLIENT_SECRET is required with STORE_SEARCH_ENGINE=naver' })
  NAVER_CLIENT_SECRET?: string;
  /** template (offline lyrics) | openai */
  @IsIn(['template', 'openai']) LYRICS_ENGINE: 'template' | 'openai' = 'template';
  @IsUrl({ require_tld: false, require_protocol: true }) OPENAI_BASE_URL =
    'https://api.openai.com/v1';
  @ValidateIf((o: EnvironmentVariables) => o.LYRICS_ENGINE === 'openai')
  @IsString()
  @MinLength(1, { message: 'OPENAI_API_KEY is required with LYRICS_ENGINE=openai' })
  OPENAI_API_KEY?: string;
  @IsString() OPENAI_MODEL = 'gpt-4o-mini';
  @IsString() OPENAI_MODERATION_MODEL = 'omni-moderation-latest';
  /** completion tokens allowed for the lyrics; a completion cut short is asked once more with twice as many */
  @Transform(toInt) @IsInt() @Min(100) OPENAI_MAX_COMPLETION_TOKENS = 1500;
  @IsIn(['synth', 'suno']) SONG_ENGINE: 'synth' | 'suno' = 'synth';
  @IsUrl({ require_tld: false, require_protocol: true }) SUNO_BASE_URL = 'https://api.sunoapi.org';
  @ValidateIf((o: EnvironmentVariables) => o.SONG_ENGINE === 'suno')
  @IsString()
  @MinLength(1, { message: 'SUNO_API_KEY is required with SONG_ENGINE=suno' })
  SUNO_API_KEY?: string;
  @IsString() SUNO_MODEL = 'V4_5';
  /** credits one Suno generation costs: the balance is checked against it before paying */
  @Transform(toInt) @IsInt() @Min(1) SUNO_CREDITS_PER_SONG = 12;
  @IsIn(['ffmpeg', 'creatomate']) VIDEO_ENGINE: 'ffmpeg' | 'creatomate' = 'ffmpeg';
  @IsUrl({ require_tld: false, require_protocol: true }) CREATOMATE_BASE_URL =
    'https://api.creatomate.com';
  @ValidateIf((o: EnvironmentVariables) => o.VIDEO_ENGINE === 'creatomate')
  @IsString()
  @MinLength(1, { message: 'CREATOMATE_API_KEY is required with VIDEO_ENGINE=creatomate' })
  CREATOMATE_API_KEY?: string;
  @ValidateIf((o: EnvironmentVariables) => o.VIDEO_ENGINE === 'creatomate')
  @IsString()
  @MinLength(1, { message: 'CREATOMATE_TEMPLATE_ID is required with VIDEO_ENGINE=creatomate' })
  CREATOMATE_TEMPLATE_ID?: string;
  @Transform(toBool) @IsBoolean() VIDEO_FALLBACK_TO_FFMPEG = true;
  /** a Creatomate 429 asking to wait longer than this (s) falls back to FFmpeg; shorter waits are waited */
  @Transform(toInt) @IsInt() @Min(0) VIDEO_FALLBACK_MAX_WAIT_SEC = 120;
  @Transform(toInt) @IsInt() @Min(5000) FFMPEG_TIMEOUT_MS = 300_000;
  /** Azure Blob Storage; when set, every file lives there (else under BLOB_LOCAL_ROOT) */
  @IsOptional() @IsString() AZURE_STORAGE_CONNECTION_STRING?: string;
  /** containers are <prefix>-photos, -audio, -video, -thumbnails */
  @Matches(/^[a-z0-9](?:[a-z0-9-]{1,40})$/, {
    message: 'AZURE_CONTAINER_PREFIX must be 2-41 lowercase letters, digits or hyphens',
  })
  AZURE_CONTAINER_PREFIX = 'castad';
  /** files (photos, audio, video) when no Azure account is configured */
  @IsString() BLOB_LOCAL_ROOT = './data/blobs';
  /** largest owner photo accepted (bytes) */
  @Transform(toInt) @IsInt() @Min(10_000) @Max(50_000_000) PHOTO_MAX_BYTES = 10_000_000;
  /** largest owner photo accepted (width x height); larger ones are refused before decoding */
  @Transform(toInt) @IsInt() @Min(10_000) @Max(100_000_000) PHOTO_MAX_PIXELS = 40_000_000;
  /** host:port pairs a photo may be imported from although they are private (local development only; empty in production) */
  @IsOptional() @IsString() FETCH_ALLOW_HOSTS?: string;
  /** photos kept per store */
  @Transform(toInt) @IsInt() @Min(1) @Max(100) PHOTOS_PER_STORE = 20;

  // --- publishing (YouTube, Instagram); each is off until its client id is set ---
  @IsOptional() @IsString() GOOGLE_CLIENT_ID?: string;
  @ValidateIf((o: EnvironmentVariables) => !!o.GOOGLE_CLIENT_ID)
  @IsString()
  @MinLength(1, { message: 'GOOGLE_CLIENT_SECRET is required with GOOGLE_CLIENT_ID' })
  GOOGLE_CLIENT_SECRET?: string;
  @IsUrl({ require_tld: false, require_protocol: true }) GOOGLE_AUTH_URL =
    'https://accounts.google.com/o/oauth2/v2/auth';
  @IsUrl({ require_tld: false, require_protocol: true }) GOOGLE_TOKEN_URL =
    'https://oauth2.googleapis.com/token';
  /** root of the YouTube Data API (googleapis' rootUrl) */
  @IsUrl({ require_tld: false, require_protocol: true }) YOUTUBE_API_URL =
    'https://www.googleapis.com/';
  /** bytes per YouTube upload request, a multiple of 262144 (256 KiB) */
  @Transform(toInt)
  @IsInt()
  @Min(262_144)
  @IsDivisibleBy(262_144, {
    message: 'YOUTUBE_UPLOAD_CHUNK_BYTES must be a multiple of 262144 (256 KiB)',
  })
  YOUTUBE_UPLOAD_CHUNK_BYTES = 8 * 1_048_576;
  @IsOptional() @IsString() INSTAGRAM_APP_ID?: string;
  @ValidateIf((o: EnvironmentVariables) => !!o.INSTAGRAM_APP_ID)
  @IsString()
  @MinLength(1, { message: 'INSTAGRAM_APP_SECRET is required with INSTAGRAM_APP_ID' })
  INSTAGRAM_APP_SECRET?: string;
  @IsUrl({ require_tld: false, require_protocol: true }) INSTAGRAM_AUTH_URL =
    'https://www.instagram.com/oauth/authorize';
  /** where an Instagram authorization code is exchanged for a token */
  @IsUrl({ require_tld: false, require_protocol: true }) INSTAGRAM_TOKEN_URL =
    'https://api.instagram.com/oauth/access_token';
  /** Graph API root with its version */
  @IsUrl({ require_tld: false, require_protocol: true }) INSTAGRAM_GRAPH_URL =
    'https://graph.instagram.com/v21.0';
  /** key that encrypts social tokens at rest: 32 bytes as 64 hex characters (required when staged with publishing on; embedded derives one) */
  @ValidateIf(
    (o: EnvironmentVariables) =>
      (staged(o) && !!(o.GOOGLE_CLIENT_ID || o.INSTAGRAM_APP_ID)) ||
      o.SOCIAL_TOKEN_KEY !== undefined,
  )
  @Matches(/^[0-9a-fA-F]{64}$/, {
    message:
      'SOCIAL_TOKEN_KEY must be 64 hex characters (32 bytes), e.g. from `openssl rand -hex 32`',
  })
  SOCIAL_TOKEN_KEY?: string;
  /** how often a running publication is polled (ms) */
  @Transform(toInt) @IsInt() @Min(100) PUBLISH_POLL_MS = 30_000;

  /** scratch space for the offline engines */
  @IsString() WORK_DIR = './data/work';

  // --- pipeline (scheduler) ---
  /** in-process (embedded, stages 1-2) or bull (Redis, stage 3) */
  @IsOptional() @IsIn(['inprocess', 'bull']) DISPATCH_DRIVER?: 'inprocess' | 'bull';
  @Transform(toInt) @IsInt() @Min(50) PIPELINE_POLL_MS = 500;
  /** a claimed step's lease, heartbeated while the step runs; a dead worker's work is claimed again after it */
  @Transform(toInt) @IsInt() @Min(1000) PIPELINE_LEASE_MS = 30_000;
  @Transform(toInt) @IsInt() @Min(1) @Max(20) PIPELINE_MAX_ATTEMPTS = 5;
  @Transform(toInt) @IsInt() @Min(10) PIPELINE_BACKOFF_BASE_MS = 2000;
  @Transform(toInt) @IsInt() @Min(10) PIPELINE_BACKOFF_MAX_MS = 300_000;
  /** how often a submitted song / video is polled (Suno allows ~3 polls a second per task) */
  @Transform(toInt) @IsInt() @Min(10) SONG_POLL_MS = 10_000;
  @Transform(toInt) @IsInt() @Min(10) VIDEO_POLL_MS = 10_000;
  /** steps running at once, per provider, across the deployment */
  @Transform(toInt) @IsInt() @Min(1) PIPELINE_CONCURRENCY_LYRICS = 4;
  @Transform(toInt) @IsInt() @Min(1) PIPELINE_CONCURRENCY_SONG = 4;
  @Transform(toInt) @IsInt() @Min(1) PIPELINE_CONCURRENCY_VIDEO = 2;
  @Transform(toInt) @IsInt() @Min(1) PIPELINE_CONCURRENCY_OTHER = 8;
  /** new projects per user (or partner) per day (resets at midnight, Korea time) */
  @Transform(toInt) @IsInt() @Min(1) PROJECTS_PER_DAY = 10;
  /** after a crash between a paid submission and storing its task id: how long to wait for the provider's callback before failing the attempt */
  @Transform(toInt) @IsInt() @Min(1000) SUBMISSION_RECOVERY_MS = 600_000;
  /** set when the provider deduplicates requests by our Idempotency-Key header (then a crashed submission is simply resent) */
  @Transform(toBool) @IsBoolean() SUNO_DEDUPES_IDEMPOTENCY_KEY = false;
  @Transform(toBool) @IsBoolean() CREATOMATE_DEDUPES_IDEMPOTENCY_KEY = false;

  /** USD per unit, by provider:unit, as JSON; listed prices replace the defaults, a unit without a price is an error */
  @Matches(/^\{.*\}$/s, { message: 'PRICE_TABLE must be a JSON object like {"suno:song":0.1}' })
  PRICE_TABLE =
    '{"openai:1k_tokens":0.005,"suno:song":0.1,"creatomate:render_second":0.03,"ffmpeg:render_second":0.0005,"youtube:upload":0,"instagram:upload":0}';
  /** daily spending cap in USD per provider, as JSON (e.g. {"suno":50}); once spent, new submissions wait for the next day */
  @IsOptional()
  @Matches(/^\{.*\}$/s, {
    message: 'DAILY_BUDGET_USD must be a JSON object like {"suno":50,"creatomate":80}',
  })
  DAILY_BUDGET_USD?: string;

  /** how often a project waiting on a spent budget looks again (ms) */
  @Transform(toInt) @IsInt() @Min(100) BUDGET_RECHECK_MS = 300_000;

  /** requests per minute per user, partner key or client address */
  @Transform(toInt) @IsInt() @Min(1) RATE_LIMIT_PER_MINUTE = 300;
  /** proxies (nginx) whose X-Forwarded-For is believed, comma-separated IPs or CIDRs; empty: none */
  @IsOptional() @IsString() TRUSTED_PROXIES?: string;

  /** networks a Prometheus scraper may read /metrics from without a token (comma-separated CIDRs; empty: admins only) */
  @IsOptional()
  @Matches(/^$|^[0-9a-fA-F:.]+\/\d{1,3}(,[0-9a-fA-F:.]+\/\d{1,3})*$/, {
    message: 'METRICS_ALLOW_CIDRS must be comma-separated CIDRs, e.g. 10.0.0.0/8,127.0.0.1/32',
  })
  METRICS_ALLOW_CIDRS?: string;

  // --- live progress (SSE) ---
  /** an idle stream sends a comment this often, so proxies with an idle timeout keep it open */
  @Transform(toInt) @IsInt() @Min(100) @Max(300_000) SSE_HEARTBEAT_MS = 15_000;
  /**
   * how often one shared query per API process reads new project events while Redis pub/sub
   * cannot bring them (no Redis, or its subscription is down); with Redis, every 10x this as a
   * backstop for an event whose publication was lost
   */
  @Transform(toInt) @IsInt() @Min(100) @Max(60_000) SSE_POLL_MS = 1_000;

  // --- redis (stage 3) ---
  @ValidateIf((o: EnvironmentVariables) => o.CASTAD_STAGE === '3' || o.DISPATCH_DRIVER === 'bull')
  @Matches(/^rediss?:\/\/.+/, {
    message:
      'REDIS_URL must be a redis:// or rediss:// URL (required at stage 3 and with DISPATCH_DRIVER=bull)',
  })
  REDIS_URL?: string;
}

export function validateEnvironment(input: Record<string, unknown>): EnvironmentVariables {
  // an empty value (`PORT=` in a copied .env.example) means "not set": the default applies
  const raw = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== ''));
  const env = plainToInstance(EnvironmentVariables, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, stopAtFirstError: true });
  if (errors.length > 0) {
    const lines = errors.map((e) => {
      const got = raw[e.property];
      const shown =
        got === undefined
          ? 'missing'
          : /PASSWORD|SECRET|KEY/.test(e.property)
            ? 'set (hidden)'
            : JSON.stringify(got);
      return `  ${e.property} (${shown}): ${Object.values(e.constraints ?? {}).join('; ')}`;
    });
    throw new Error(
      `Invalid configuration:\n${lines.join('\n')}\nSee .env.example for every variable.`,
    );
  }
  if (
    env.DB_POOL_MAX !== undefined &&
    env.DB_POOL_IDLE !== undefined &&
    env.DB_POOL_IDLE > env.DB_POOL_MAX
  ) {
    throw new Error('Invalid configuration:\n  DB_POOL_IDLE must not exceed DB_POOL_MAX');
  }
  return env;
}
