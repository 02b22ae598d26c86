/** Small parsers shared by the configuration builders (values are already validated). */

/** A comma-separated list, trimmed, empty items dropped. */
export function commaList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A base URL without its trailing slashes, so paths can be appended with one. */
export const withoutTrailingSlash = (url: string): string => url.replace(/\/+$/, '');

/** A JSON object of non-negative numbers, or a configuration error naming the variable. */
export function numberMap(name: string, json: string): Record<string, number> {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    throw new Error(`Invalid configuration:\n  ${name}: not valid JSON`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new Error(`Invalid configuration:\n  ${name}: must be a JSON object`);
  for (const [k, n] of Object.entries(v)) {
    if (typeof n !== 'number' || !(n >= 0))
      throw new Error(
        `Invalid configuration:\n  ${name}: "${k}" must be a number of USD, 0 or more`,
      );
  }
  return v as Record<string, number>;
}
