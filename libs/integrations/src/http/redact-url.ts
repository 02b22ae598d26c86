/** Query parameters that are credentials: signed-link signatures, tokens, OAuth codes and states. */
const SECRET_PARAMS = new Set([
  'sig',
  'token',
  'access_token',
  'refresh_token',
  'code',
  'state',
  'client_secret',
  'se',
  'sv',
  'sp',
  'st',
  'skoid',
  'sktid',
  // a partner key sent where it does not belong (the API refuses it, but the line is logged)
  'api_key',
  'apikey',
  'x-api-key',
]);
/** A partner API key's shape, whatever parameter carries it (`?key=cak_…`). */
const API_KEY_VALUE = /^cak_/i;
/** Path segments that are credentials: a webhook's callback token (its only credential). */
const SECRET_PATH = /^(\/v1\/webhooks\/[a-z]+\/[^/?#]+\/)[^/?#]+/;
const REDACTED = '[redacted]';

/**
 * A URL (absolute, or a path with its query) with the secrets it carries replaced, for logs
 * and error messages: webhook callback tokens, and the values of credential query parameters
 * (our signed links' `sig`, Azure SAS fields, OAuth `code`/`state`, access tokens).
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = (q < 0 ? url : url.slice(0, q)).replace(SECRET_PATH, `$1${REDACTED}`);
  if (q < 0) return path;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = safeDecode(eq < 0 ? pair : pair.slice(0, eq)).toLowerCase();
      const secret =
        eq >= 0 && (SECRET_PARAMS.has(name) || API_KEY_VALUE.test(safeDecode(pair.slice(eq + 1))));
      return secret ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
    })
    .join('&');
  return `${path}?${query}`;
}

/** Every URL inside a piece of text (a tool's error output, say), redacted. */
export function redactUrlsIn(text: string): string {
  // a URL ends before trailing punctuation (the ": No such file" that follows it)
  return text.replace(/\bhttps?:\/\/[^\s'"<>]*[^\s'"<>.,:;)\]]/g, (u) => {
    const origin = u.match(/^https?:\/\/[^/?#]+/)![0];
    return origin + redactUrl(u.slice(origin.length) || '/');
  });
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
