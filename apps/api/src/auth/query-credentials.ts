import { InvalidInputError } from '@app/domain';

const KEY_NAMES = new Set(['api_key', 'apikey', 'x-api-key']);

/**
 * A partner key in the query string is refused, whatever the route: URLs end up in proxy
 * logs, browser histories and Referer headers, so the key must travel in X-API-Key only.
 */
export function refuseQueryCredentials(query: unknown): void {
  if (!query || typeof query !== 'object') return;
  for (const [name, value] of Object.entries(query as Record<string, unknown>)) {
    const values = Array.isArray(value) ? value : [value];
    if (KEY_NAMES.has(name.toLowerCase()) || values.some((v) => /^cak_/i.test(String(v))))
      throw new InvalidInputError(
        `an API key goes in the X-API-Key header, never in the URL (query parameter "${name}"); a key sent in a URL may be logged along the way: revoke it and issue a new one`,
      );
  }
}
