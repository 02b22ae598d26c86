import { CredentialRefusedError, ProviderUnavailableError } from '../provider-errors';

export interface ProviderResponse {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * One outside HTTP call with a timeout. Network failures and timeouts become
 * ProviderUnavailableError; the caller maps statuses it understands.
 */
export async function providerFetch(
  provider: string,
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<ProviderResponse> {
  try {
    const res = await fetch(url, {
      ...init,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const timedOut = e.name === 'TimeoutError';
    const reason = timedOut ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.message);
    // refused connections never reached the provider; timeouts and resets may have
    const ambiguous = timedOut || e.cause?.code !== 'ECONNREFUSED';
    throw new ProviderUnavailableError(
      provider,
      `${provider} unreachable: ${reason}`,
      undefined,
      ambiguous,
    );
  }
}

export function parseJson<T>(provider: string, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ProviderUnavailableError(provider, `${provider} sent a malformed response`);
  }
}

/** 401/403 mean the credential we relayed is bad; 429 and 5xx mean try later. */
export function failForStatus(provider: string, res: ProviderResponse, what: string): never {
  if (res.status === 401 || res.status === 403 || res.status === 400)
    throw new CredentialRefusedError(provider, `${provider} refused the ${what} (${res.status})`);
  throw new ProviderUnavailableError(
    provider,
    `${provider} answered ${res.status}`,
    retryAfterOf(res),
  );
}

/** A JSON call with our Bearer key and, for paid submissions, our Idempotency-Key. */
export function bearerJson(
  provider: string,
  api: { baseUrl: string; apiKey: string; timeoutMs: number },
  method: string,
  path: string,
  body?: unknown,
  idempotencyKey?: string,
): Promise<ProviderResponse> {
  return providerFetch(
    provider,
    `${api.baseUrl}${path}`,
    {
      method,
      headers: {
        Authorization: `Bearer ${api.apiKey}`,
        'Content-Type': 'application/json',
        ...(idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    },
    api.timeoutMs,
  );
}

/** Retry-After in seconds, when the provider sent a usable one (from our response or an SDK's error). */
export function retryAfterOf(
  res: { headers?: { get(name: string): string | null } | null } | undefined,
): number | undefined {
  const ra = Number(res?.headers?.get('retry-after'));
  return Number.isFinite(ra) && ra > 0 ? ra : undefined;
}
