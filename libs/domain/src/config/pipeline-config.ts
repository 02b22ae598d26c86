import type { SocialPlatform } from '@app/integrations';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min, ValidateIf } from 'class-validator';
import { PROVIDER_NAMES, ProviderName } from '../pipeline/project-state';
import { ProviderVariables } from './providers-config';
import { commaList, numberMap, toInt } from './parse';
import { AppRole, isStaged } from './stage';

const QUEUE_NAME = `\\s*(${PROVIDER_NAMES.join('|')})\\s*`;

/**
 * The scheduler and the pipeline state machine: leadership, dispatch, leases, retries,
 * polling, concurrency, quota, prices and budgets; Redis (stage 3).
 * Each is in .env.example; validateEnvironment (environment.ts) checks them all at once.
 */
export class PipelineVariables extends ProviderVariables {
  @Transform(toInt) @IsOptional() @IsInt() @Min(0) @Max(65535) SCHEDULER_HEALTH_PORT?: number;

  /** how long the scheduler leader's lease lasts without renewal (a standby takes over after it) */
  @Transform(toInt) @IsInt() @Min(1000) SCHEDULER_LEASE_MS = 4_000;

  /**
   * the Bull queues this process works (stage 3), comma-separated provider names; default all.
   * Render hosts (workers) take `video`; a scheduler beside them may leave it out
   */
  @IsOptional()
  @Matches(new RegExp(`^${QUEUE_NAME}(,${QUEUE_NAME})*$`), {
    message: `WORK_QUEUES must be a comma-separated list of ${PROVIDER_NAMES.join(', ')}`,
  })
  WORK_QUEUES?: string;

  /** jobs of each queue it works that this process runs at once (default: that provider's PIPELINE_CONCURRENCY_*) */
  @Transform(toInt) @IsOptional() @IsInt() @Min(1) @Max(64) WORK_CONCURRENCY?: number;

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

  /** how often a running publication is polled (ms) */
  @Transform(toInt) @IsInt() @Min(100) PUBLISH_POLL_MS = 30_000;

  /**
   * YouTube Data API units a day that reading videos' statistics may spend (1 per call of up to
   * 50 videos); the project's whole quota (10,000 by default) is shared with uploads (1,600 each)
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(1_000_000) RESULTS_YOUTUBE_DAILY_QUOTA = 2_000;

  /** days a reading of a video's figures is kept (at least 8: the archive shows a 7-day change) */
  @Transform(toInt) @IsInt() @Min(8) @Max(3650) RESULTS_RETENTION_DAYS = 400;

  @ValidateIf((o: PipelineVariables) => o.CASTAD_STAGE === '3' || o.DISPATCH_DRIVER === 'bull')
  @Matches(/^rediss?:\/\/.+/, {
    message:
      'REDIS_URL must be a redis:// or rediss:// URL (required at stage 3 and with DISPATCH_DRIVER=bull)',
  })
  REDIS_URL?: string;
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

/**
 * The scheduler's own leadership (how long the leader's lease lasts, where it reports health)
 * and, with Bull, which queues this process works and how many of each queue's jobs at once.
 */
export interface SchedulerConfig {
  leaseMs: number;
  healthPort?: number;
  workQueues: ProviderName[];
  /** per queue worked; undefined: the provider's deployment-wide concurrency */
  workConcurrency?: number;
}

/** Bull at stage 3 unless chosen otherwise; in-process before. */
function dispatchDriver(env: PipelineVariables): PipelineConfig['driver'] {
  return env.DISPATCH_DRIVER ?? (env.CASTAD_STAGE === '3' ? 'bull' : 'inprocess');
}

/** The pipeline state machine: dispatch, leases, retries, polling, concurrency, quota. */
export function pipelineConfig(env: PipelineVariables): PipelineConfig {
  return {
    driver: dispatchDriver(env),
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
}

export function schedulerConfig(env: PipelineVariables, role: AppRole): SchedulerConfig {
  if (role === 'worker') checkWorkerSetup(env);
  const listed = commaList(env.WORK_QUEUES);
  return {
    leaseMs: env.SCHEDULER_LEASE_MS,
    healthPort: env.SCHEDULER_HEALTH_PORT,
    workQueues: listed.length
      ? PROVIDER_NAMES.filter((p) => listed.includes(p))
      : [...PROVIDER_NAMES],
    workConcurrency: env.WORK_CONCURRENCY,
  };
}

/**
 * A worker takes its jobs from Bull and reads and writes the leader's database and blob store
 * from another host: a staged deployment (MySQL) with the Bull driver.
 */
function checkWorkerSetup(env: PipelineVariables): void {
  const problems: string[] = [];
  if (!isStaged(env.CASTAD_STAGE))
    problems.push(
      '  CASTAD_STAGE: a worker shares the database with the scheduler: run it staged (MySQL), not on the embedded SQLite file',
    );
  if (dispatchDriver(env) !== 'bull')
    problems.push(
      '  DISPATCH_DRIVER: a worker takes its jobs from Bull: set DISPATCH_DRIVER=bull (the default at stage 3) and REDIS_URL',
    );
  if (problems.length)
    throw new Error(`Invalid configuration for a worker:\n${problems.join('\n')}`);
}

/** USD per provider:unit; a table that lists only some prices keeps the defaults for the others. */
export function priceTable(env: PipelineVariables): Record<string, number> {
  return {
    ...numberMap('PRICE_TABLE', new PipelineVariables().PRICE_TABLE),
    ...numberMap('PRICE_TABLE', env.PRICE_TABLE),
  };
}

/** Daily spending cap in USD per provider (none listed: no cap). */
export function dailyBudgets(env: PipelineVariables): Record<string, number> {
  return numberMap('DAILY_BUDGET_USD', env.DAILY_BUDGET_USD ?? '{}');
}

/** Reading published videos' results back: quota per platform a day, and how long readings stay. */
export interface ResultsConfig {
  /** units a day per platform that has a daily quota (YouTube); a platform absent has none */
  dailyQuota: Partial<Record<SocialPlatform, number>>;
  retentionDays: number;
}

export function resultsConfig(env: PipelineVariables): ResultsConfig {
  return {
    dailyQuota: { youtube: env.RESULTS_YOUTUBE_DAILY_QUOTA },
    retentionDays: env.RESULTS_RETENTION_DAYS,
  };
}
