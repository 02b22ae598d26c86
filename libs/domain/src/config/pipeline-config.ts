import { EnvironmentVariables } from './environment';
import { numberMap } from './parse';

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

/** The scheduler's own leadership: how long the leader's lease lasts, where it reports health. */
export interface SchedulerConfig {
  leaseMs: number;
  healthPort?: number;
}

/** The pipeline state machine: dispatch, leases, retries, polling, concurrency, quota. */
export function pipelineConfig(env: EnvironmentVariables): PipelineConfig {
  return {
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
}

export function schedulerConfig(env: EnvironmentVariables): SchedulerConfig {
  return { leaseMs: env.SCHEDULER_LEASE_MS, healthPort: env.SCHEDULER_HEALTH_PORT };
}

/** USD per provider:unit; a table that lists only some prices keeps the defaults for the others. */
export function priceTable(env: EnvironmentVariables): Record<string, number> {
  return {
    ...numberMap('PRICE_TABLE', new EnvironmentVariables().PRICE_TABLE),
    ...numberMap('PRICE_TABLE', env.PRICE_TABLE),
  };
}

/** Daily spending cap in USD per provider (none listed: no cap). */
export function dailyBudgets(env: EnvironmentVariables): Record<string, number> {
  return numberMap('DAILY_BUDGET_USD', env.DAILY_BUDGET_USD ?? '{}');
}
