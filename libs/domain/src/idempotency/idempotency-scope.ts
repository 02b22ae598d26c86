import { AsyncLocalStorage } from 'node:async_hooks';

/** The key a request holds while it runs, and how its success is answered. */
export interface OpenIdempotencyKey {
  id: string;
  /** this request's token on the key: what it records counts only while it holds the key */
  holder: string;
  /** the status a replay answers with (201 or 202: the route's) */
  statusCode: number;
}

const storage = new AsyncLocalStorage<OpenIdempotencyKey>();

/**
 * The Idempotency-Key of the request being run, carried by AsyncLocalStorage so that a
 * repository creating the request's thing records it with the key in its own transaction
 * (IdempotencyRepository.recordCreated) without every use case passing the key along.
 */
export const IdempotencyScope = {
  run<T>(key: OpenIdempotencyKey, fn: () => Promise<T>): Promise<T> {
    return storage.run(key, fn);
  },
  current(): OpenIdempotencyKey | undefined {
    return storage.getStore();
  },
};
