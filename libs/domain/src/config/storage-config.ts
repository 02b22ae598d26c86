import type { IntegrationsOptions } from '@app/integrations';
import { EnvironmentVariables } from './environment';
import { commaList } from './parse';

export type BlobConfig = IntegrationsOptions['blob'];

export interface PhotoLimits {
  maxBytes: number;
  maxPixels: number;
  perStore: number;
  fetchAllowHosts: string[];
}

/**
 * Where files live: Azure Blob when a connection string is given, else a local folder whose
 * links are signed with `signingKey` and served under `publicBaseUrl`.
 */
export function blobConfig(
  env: EnvironmentVariables,
  publicBaseUrl: string,
  signingKey: string,
): BlobConfig {
  return env.AZURE_STORAGE_CONNECTION_STRING
    ? {
        engine: 'azure',
        connectionString: env.AZURE_STORAGE_CONNECTION_STRING,
        containerPrefix: env.AZURE_CONTAINER_PREFIX,
      }
    : { engine: 'local', root: env.BLOB_LOCAL_ROOT, publicBaseUrl, signingKey };
}

/** Owner photos: size limits, how many a store keeps, private hosts an import may reach. */
export function photoLimits(env: EnvironmentVariables): PhotoLimits {
  return {
    maxBytes: env.PHOTO_MAX_BYTES,
    maxPixels: env.PHOTO_MAX_PIXELS,
    perStore: env.PHOTOS_PER_STORE,
    fetchAllowHosts: commaList(env.FETCH_ALLOW_HOSTS),
  };
}
