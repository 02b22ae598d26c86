import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { STAGES, Stage } from './stage';
import { commaList, staged, toBool, toInt, withoutTrailingSlash } from './parse';

/**
 * The process (stage, identity, log level) and the HTTP side: where the API listens, what it
 * believes of the network in front of it, its rate limit, metrics networks and live streams.
 * Each is in .env.example; validateEnvironment (environment.ts) checks them all at once.
 */
export class HttpVariables {
  @IsIn(STAGES as unknown as string[], {
    message: 'CASTAD_STAGE must be one of: embedded, 1, 2, 3',
  })
  CASTAD_STAGE: Stage = 'embedded';
  @IsOptional() @IsString() INSTANCE_ID?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';
  /** default: 127.0.0.1 on the embedded default (a trial is not on the network), 0.0.0.0 staged */
  @IsOptional() @IsString() HOST?: string;
  @Transform(toInt) @IsInt() @Min(0) @Max(65535) PORT = 3000;
  @Transform(toInt) @IsInt() @Min(0) SHUTDOWN_TIMEOUT_MS = 10_000;

  /** our public base URL, e.g. https://api.castad.kr (default: http://localhost:PORT) */
  @IsOptional() @IsUrl({ require_tld: false, require_protocol: true }) PUBLIC_BASE_URL?: string;

  /** the studio page at / (default: on when embedded, off when staged) */
  @IsOptional()
  @Transform(toBool)
  @IsIn([true, false], { message: 'STUDIO_ENABLED must be true or false' })
  STUDIO_ENABLED?: boolean;

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

  /** an idle stream sends a comment this often, so proxies with an idle timeout keep it open */
  @Transform(toInt) @IsInt() @Min(100) @Max(300_000) SSE_HEARTBEAT_MS = 15_000;

  /**
   * how often one shared query per API process reads new project events while Redis pub/sub
   * cannot bring them (no Redis, or its subscription is down); with Redis, every 10x this as a
   * backstop for an event whose publication was lost
   */
  @Transform(toInt) @IsInt() @Min(100) @Max(60_000) SSE_POLL_MS = 1_000;

  /**
   * live streams one user or partner key may hold open at once on one API instance; one more
   * is refused with 429 until one ends
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(1000) SSE_STREAMS_PER_USER = 20;

  /**
   * Idempotency-Keys one user or partner key may hold at once (each lives 24 hours after its
   * first use); a new key beyond it is refused with 429
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(1_000_000) IDEMPOTENCY_KEYS_PER_CALLER = 1000;

  /**
   * Tests only: `stall_before_answer` makes a request with an Idempotency-Key stop after its
   * work committed and before its answer (logged), so a test can kill the instance right there;
   * `stall_before_work` stops it after it claimed its key, before its work (nothing committed)
   */
  @IsOptional()
  @Matches(/^$|^stall_before_answer$|^stall_before_work$/, {
    message: 'TEST_FAULT must be empty, stall_before_answer or stall_before_work',
  })
  TEST_FAULT?: string;
}

export interface HttpConfig {
  host: string;
  port: number;
  /** the studio page at / (static files served by the API) */
  studio: boolean;
  shutdownTimeoutMs: number;
  /** proxies (nginx) whose X-Forwarded-For is believed; empty: none */
  trustedProxies: string[];
  /** requests per minute per user, partner key or client address */
  rateLimitPerMinute: number;
  /** networks a Prometheus scraper may read /metrics from without a token */
  metricsAllowCidrs: string[];
}

/** SSE: heartbeat of an idle stream; the shared DB poll's interval without Redis pub/sub */
export interface LiveProgressConfig {
  heartbeatMs: number;
  /** live streams one user or partner key may hold open at once (per API instance) */
  streamsPerHolder: number;
  pollMs: number;
}

/** Idempotency-Key: the bound on one caller's live keys, and the test-only fault. */
export interface IdempotencyConfig {
  keysPerCaller: number;
  /** TEST_FAULT=stall_before_answer (tests only) */
  stallBeforeAnswer: boolean;
  /** TEST_FAULT=stall_before_work (tests only) */
  stallBeforeWork: boolean;
}

export function idempotencyConfig(env: HttpVariables): IdempotencyConfig {
  return {
    keysPerCaller: env.IDEMPOTENCY_KEYS_PER_CALLER,
    stallBeforeAnswer: env.TEST_FAULT === 'stall_before_answer',
    stallBeforeWork: env.TEST_FAULT === 'stall_before_work',
  };
}

/** Where the API listens and what it believes of the network in front of it. */
export function httpConfig(env: HttpVariables): HttpConfig {
  return {
    host: env.HOST ?? (staged(env) ? '0.0.0.0' : '127.0.0.1'),
    port: env.PORT,
    studio: env.STUDIO_ENABLED ?? !staged(env),
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    trustedProxies: commaList(env.TRUSTED_PROXIES),
    rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
    metricsAllowCidrs: commaList(env.METRICS_ALLOW_CIDRS),
  };
}

/**
 * Our public base URL (file links, provider callbacks), without a trailing slash. By default
 * the address the API listens on (127.0.0.1 on the embedded default, as the README and the
 * start-up line say: a page opened there finds its files on the same origin), localhost when it
 * listens on every interface.
 */
export function publicBaseUrl(env: HttpVariables): string {
  const host = env.HOST ?? (staged(env) ? '0.0.0.0' : '127.0.0.1');
  const named = ['0.0.0.0', '::', ''].includes(host)
    ? 'localhost'
    : host.includes(':')
      ? `[${host}]`
      : host;
  return withoutTrailingSlash(env.PUBLIC_BASE_URL ?? `http://${named}:${env.PORT}`);
}

export function liveProgressConfig(env: HttpVariables): LiveProgressConfig {
  return {
    heartbeatMs: env.SSE_HEARTBEAT_MS,
    pollMs: env.SSE_POLL_MS,
    streamsPerHolder: env.SSE_STREAMS_PER_USER,
  };
}
