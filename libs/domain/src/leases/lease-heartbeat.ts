import { Logger } from '@nestjs/common';

/**
 * Keeps a claim's lease alive while its work runs (a third of the lease apart), so leases can
 * be short: a dead worker's row is claimed again soon after, while a live slow run (a long
 * render, an upload) keeps its own. `lost` fires when another worker has taken the row over.
 */
export function holdLease(
  what: string,
  leaseMs: number,
  extend: () => Promise<boolean>,
  logger: Logger,
): { lost: AbortSignal; stop: () => void } {
  const lost = new AbortController();
  // a beat still in flight when the run ends finds the lease released by the run itself:
  // not a takeover
  let stopped = false;
  const timer = setInterval(
    () => {
      extend().then(
        (held) => {
          if (held || stopped || lost.signal.aborted) return;
          logger.warn(`${what}: lease taken over by another worker; stopping this run`);
          lost.abort();
        },
        // a failed beat (the database away a moment) is tried again at the next one
        (err: Error) => logger.warn(`${what}: lease heartbeat failed (${err.message})`),
      );
    },
    Math.max(100, Math.floor(leaseMs / 3)),
  );
  return {
    lost: lost.signal,
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}
