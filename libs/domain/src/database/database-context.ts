import { AsyncLocalStorage } from 'node:async_hooks';

interface DbRequestState {
  /** set once the request wrote: its later reads go to the primary (read-your-writes) */
  wrote: boolean;
  /** the request is a view that tolerates replica lag (opted in by name, see `allowLag`) */
  lagTolerant: boolean;
}

const storage = new AsyncLocalStorage<DbRequestState>();

/**
 * Per-request (or per-job) database routing state, carried by AsyncLocalStorage so that
 * repositories need no extra argument. Consistency is chosen by scope, once: everything reads
 * the primary (actions, the scheduler, the CLI) unless its scope is a view that said it
 * tolerates lag; outside a scope nothing is remembered and reads go to the primary.
 */
export const DatabaseContext = {
  run<T>(fn: () => T): T {
    return storage.run({ wrote: false, lagTolerant: false }, fn);
  },
  /** this request is a view: its reads may go to a replica (until it writes) */
  allowLag(): void {
    const s = storage.getStore();
    if (s) s.lagTolerant = true;
  },
  markWrote(): void {
    const s = storage.getStore();
    if (s) s.wrote = true;
  },
  mayReadReplica(): boolean {
    const s = storage.getStore();
    return Boolean(s?.lagTolerant && !s.wrote);
  },
};
