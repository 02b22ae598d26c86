/** Errors that mean "this pooled connection is dead", not "the query is wrong". */
const DEAD_CONNECTION_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'ECONNRESET',
  'EPIPE',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'ER_CONNECTION_KILLED', // ours was KILLed on the server
  'ER_SERVER_SHUTDOWN',
]);

/** Errors that mean "this node cannot be reached now" (try another node). */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'POOL_NONEONLINE',
  'POOL_NOEXIST',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
]);

function codeOf(err: unknown): string | undefined {
  const e = err as { code?: string; driverError?: { code?: string } } | undefined;
  return e?.code ?? e?.driverError?.code;
}

export function isDeadConnectionError(err: unknown): boolean {
  const code = codeOf(err);
  return code !== undefined && DEAD_CONNECTION_CODES.has(code);
}

export function isUnreachableError(err: unknown): boolean {
  const code = codeOf(err);
  return code !== undefined && UNREACHABLE_CODES.has(code);
}

/**
 * The database cannot serve this request now (no node answers, the connection died, a lock was
 * still held after the retries): worth retrying shortly, so HTTP says 503 with Retry-After.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  return (
    isUnreachableError(err) ||
    isDeadConnectionError(err) ||
    codeOf(err) === 'ER_LOCK_WAIT_TIMEOUT' ||
    codeOf(err) === 'SQLITE_BUSY'
  );
}

/** A row with this primary (or unique) key is already there: MySQL/MariaDB and SQLite. */
export function isDuplicateKey(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  const code = e.driverError?.code ?? e.code ?? '';
  return code === 'ER_DUP_ENTRY' || code.startsWith('SQLITE_CONSTRAINT');
}
