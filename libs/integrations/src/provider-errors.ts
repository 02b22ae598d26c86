/**
 * What an outside system's failure means for us. Adapters translate every provider's own
 * errors into these; the domain decides what to do (retry, fail the step, refuse a login)
 * and the API maps them to HTTP once.
 */
export type ProviderFailure = 'unavailable' | 'rejected' | 'credential_refused' | 'not_found';

export abstract class ProviderError extends Error {
  abstract readonly failure: ProviderFailure;
  /**
   * What the provider charged for the calls behind this failure (tokens of a completion cut
   * short or refused): metered like a success's usage.
   */
  charged?: { unit: string; units: number };
  /** the provider's raw answer, for the log and provider health only: never shown to an owner */
  detail?: string;

  constructor(
    readonly provider: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * A failure of our own tooling that a later attempt may not hit (a render tool that crashed or
 * timed out): the error says so itself (`transient: true`), so callers need not know the tool.
 */
export function isTransientFailure(err: unknown): boolean {
  return (err as { transient?: unknown } | null)?.transient === true;
}

/** Down, slow, rate-limited or 5xx: worth retrying later (after retryAfterSec when given). */
export class ProviderUnavailableError extends ProviderError {
  readonly failure = 'unavailable' as const;

  constructor(
    provider: string,
    message: string,
    readonly retryAfterSec?: number,
    /**
     * The request may have reached the provider (a timeout, a connection cut mid-way): for a
     * paid submission that means it may have been accepted and must not be blindly resent.
     */
    readonly ambiguous = false,
  ) {
    super(provider, message);
  }
}

/**
 * A documented allowance is used up and frees itself with time (Instagram's 24-hour publishing
 * limit): the work waits `retryAfterSec` and looks again, for as long as it takes; it is not a
 * failed attempt.
 */
export class ProviderLimitWaitError extends ProviderUnavailableError {
  constructor(provider: string, message: string, retryAfterSec: number) {
    super(provider, message, retryAfterSec);
  }
}

/** The provider said no for good (bad input, content refused, out of credit, our key refused). */
export class ProviderRejectedError extends ProviderError {
  readonly failure = 'rejected' as const;
}

/** A credential a user relayed (e.g. a Kakao token) was refused. */
export class CredentialRefusedError extends ProviderError {
  readonly failure = 'credential_refused' as const;
}

/** Something we asked for is not there (an expired file URL, an unknown key). */
export class ProviderNotFoundError extends ProviderError {
  readonly failure = 'not_found' as const;
}

/** The failure, with what the calls behind it were charged (see ProviderError.charged). */
export function withCharge<E extends ProviderError>(
  err: E,
  charged: { unit: string; units: number },
): E {
  err.charged = charged;
  return err;
}

/** The failure, with the provider's raw answer kept for the log (see ProviderError.detail). */
export function withDetail<E extends ProviderError>(err: E, detail: string): E {
  err.detail = detail.slice(0, 1000);
  return err;
}
