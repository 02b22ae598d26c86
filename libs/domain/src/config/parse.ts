/** Small parsers shared by the variables' validation and the configuration builders. */

/** A number from the environment's text; empty means "not set" (the default applies). */
export const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);

/** true/1 or false/0; anything else is left as is so IsBoolean reports it by name. */
export const toBool = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  if (value === true || value === 'true' || value === '1') return true;
  if (value === false || value === 'false' || value === '0') return false;
  return value;
};

/** Whether the variables describe a staged deployment (not the embedded default). */
export const staged = (o: { CASTAD_STAGE: string }) => o.CASTAD_STAGE !== 'embedded';

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
