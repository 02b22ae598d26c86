import { INestApplicationContext, Logger } from '@nestjs/common';

export interface StopOptions {
  /** the app's name in the "stopping"/"stopped" lines */
  name: string;
  /** SHUTDOWN_TIMEOUT_MS: past it the process exits anyway (1), so a stuck step cannot hold a deploy */
  timeoutMs: number;
  /** runs first: ends local work in flight (the scheduler aborts its renders) */
  beforeClose?: () => void;
}

/**
 * SIGTERM or SIGINT: log "stopping", run the app's shutdown hooks (in-flight requests finish,
 * steps give their projects back, pools close, the SQLite WAL is checkpointed as its
 * connection closes), log "stopped" with how long it took, and exit.
 */
export function stopOnSignals(app: INestApplicationContext, opts: StopOptions): void {
  const logger = new Logger(opts.name);
  let stopping = false;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    logger.log(`${opts.name} stopping (${signal}; at most ${opts.timeoutMs} ms)`);
    setTimeout(() => {
      logger.error(`${opts.name} did not stop within ${opts.timeoutMs} ms; exiting`);
      process.exit(1);
    }, opts.timeoutMs).unref();
    let code = 0;
    try {
      opts.beforeClose?.();
      await app.close();
    } catch (err) {
      code = 1;
      logger.error(`${opts.name} stop failed: ${(err as Error).message}`);
    }
    logger.log(`${opts.name} stopped in ${Date.now() - started} ms`);
    process.exit(code);
  };
  process.once('SIGTERM', (s) => void stop(s));
  process.once('SIGINT', (s) => void stop(s));
}
