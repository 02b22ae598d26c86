import { AsyncLocalStorage } from 'node:async_hooks';

interface DbRequestState {
  /** set once the request wrote: its later reads go to the primary (read-your-writes) */
  wrote: boolean;
}

const storage = new AsyncLocalStorage<DbRequestState>();

/**
 * Per-request (or per-job) database routing state, carried by AsyncLocalStorage so that
 * repositories need no extra argument. Outside a scope nothing is remembered.
 */
export const DatabaseContext = {
  run<T>(fn: () => T): T {
    return storage.run({ wrote: false }, fn);
  },
  markWrote(): void {
    const s = storage.getStore();
    if (s) s.wrote = true;
  },
  hasWritten(): boolean {
    return storage.getStore()?.wrote ?? false;
  },
};
