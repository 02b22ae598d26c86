import { backoffMs } from './backoff';

/** PIPELINE_MAX_ATTEMPTS and the backoff bounds: one policy for steps and publications. */
export interface RetryPolicy {
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

/**
 * When a transient failure of `attempt` is tried again: backoff with jitter, never sooner than
 * the provider's Retry-After; null once the attempts are spent.
 */
export function retryDelayMs(
  attempt: number,
  policy: RetryPolicy,
  retryAfterSec?: number,
): number | null {
  if (attempt >= policy.maxAttempts) return null;
  return backoffMs(attempt, {
    baseMs: policy.backoffBaseMs,
    maxMs: policy.backoffMaxMs,
    retryAfterSec,
  });
}

/** How one run of leased work ended (metrics, tests, logs). */
export type WorkResult =
  'advanced' | 'waiting' | 'retrying' | 'failed' | 'lost-lease' | 'skipped' | 'released';
