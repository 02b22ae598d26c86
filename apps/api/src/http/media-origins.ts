import type { AppConfig } from '@app/domain';

/**
 * Where the studio page's videos, clips and thumbnails come from, for the CSP: our own origin,
 * the public base URL's (local files are linked under it, and the page may have been opened by
 * another name of this server: localhost and 127.0.0.1 are two origins), plus the Azure Blob
 * endpoint whose SAS links the API hands out.
 */
export function mediaOrigins(config: Pick<AppConfig, 'integrations' | 'publicBaseUrl'>): string[] {
  const blob = config.integrations.blob;
  const origins = ["'self'", originOf(config.publicBaseUrl)];
  if (blob.engine === 'azure') origins.push(blobEndpointOf(blob.connectionString));
  return [...new Set(origins.filter((o): o is string => o !== null))];
}

/** The origin of the blob service a connection string names, or null when it names none. */
export function blobEndpointOf(connectionString: string): string | null {
  const parts = new Map(
    connectionString
      .split(';')
      .map((p) => p.split(/=(.*)/s, 2) as [string, string])
      .filter(([k, v]) => k && v)
      .map(([k, v]) => [k.trim().toLowerCase(), v.trim()]),
  );
  const explicit = parts.get('blobendpoint');
  if (explicit) return originOf(explicit);
  if (parts.get('usedevelopmentstorage') === 'true') return 'http://127.0.0.1:10000';
  const account = parts.get('accountname');
  if (!account) return null;
  const protocol = parts.get('defaultendpointsprotocol') ?? 'https';
  const suffix = parts.get('endpointsuffix') ?? 'core.windows.net';
  return originOf(`${protocol}://${account}.blob.${suffix}`);
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
