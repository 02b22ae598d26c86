/**
 * Errors the domain throws. Libraries never throw HTTP exceptions: the API maps these to
 * status codes in one place (HttpErrorFilter), the CLI prints them, the scheduler records them.
 */
export type DomainErrorKind =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'gone'
  | 'unprocessable'
  | 'quota_exceeded'
  | 'limit_reached';

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;

  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidInputError extends DomainError {
  readonly kind = 'invalid' as const;
}

export class UnauthorizedError extends DomainError {
  readonly kind = 'unauthorized' as const;
}

export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden' as const;
}

/** Also used for "exists but is not yours": callers must not learn what others own. */
export class NotFoundError extends DomainError {
  readonly kind = 'not_found' as const;
}

/** Well-formed, but cannot be taken as it stands (an Idempotency-Key reused for another request). */
export class UnprocessableError extends DomainError {
  readonly kind = 'unprocessable' as const;
}

export class ConflictError extends DomainError {
  readonly kind = 'conflict' as const;
}

/** It existed, and no longer does (a replayed Idempotency-Key whose thing was deleted). */
export class GoneError extends DomainError {
  readonly kind = 'gone' as const;
}

/** A conflict that ends by itself (a request still running): worth retrying after a while. */
export class BusyError extends ConflictError {
  constructor(
    message: string,
    readonly retryAfterSec: number,
  ) {
    super(message);
  }
}

export class QuotaExceededError extends DomainError {
  readonly kind = 'quota_exceeded' as const;

  constructor(
    message: string,
    readonly resetsAt: Date,
  ) {
    super(message, { resetsAt: resetsAt.toISOString() });
  }
}

/** Too many of something held open at once (live streams): one must end before another starts. */
export class LimitReachedError extends DomainError {
  readonly kind = 'limit_reached' as const;
}
