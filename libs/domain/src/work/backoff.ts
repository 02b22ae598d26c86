/**
 * Exponential backoff with full jitter, never sooner than the provider's Retry-After.
 * `random` is injectable for tests.
 */
export function backoffMs(
  attempt: number,
  opts: { baseMs: number; maxMs: number; retryAfterSec?: number },
  random = Math.random,
): number {
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(ceiling / 2 + random() * (ceiling / 2));
  return Math.max(jittered, (opts.retryAfterSec ?? 0) * 1000);
}
