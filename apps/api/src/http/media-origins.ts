import type { AppConfig } from '@app/domain';

/**
 * Where the studio page's videos, clips and thumbnails come from, for the CSP: our own origin
 * (local files under /files), plus the Azure Blob endpoint whose SAS links the API hands out.
 */
export function mediaOrigins(config: Pick<AppConfig, 'integrations'>): string[] {
  const blob = config.integrations.blob;
  if (blob.engine !== 'azure') return ["'self'"];
  const endpoint = blobEndpointOf(blob.connectionString);
  return endpoint ? ["'self'", endpoint] : ["'self'"];
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
