import type { IntegrationsOptions } from '@app/integrations';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { AuthVariables } from './auth-config';
import { commaList, toInt } from './parse';

/**
 * Files: Azure Blob or a local folder, and the limits on owner photos.
 * Each is in .env.example; validateEnvironment (environment.ts) checks them all at once.
 */
export class StorageVariables extends AuthVariables {
  /** Azure Blob Storage; when set, every file lives there (else under BLOB_LOCAL_ROOT) */
  @IsOptional() @IsString() AZURE_STORAGE_CONNECTION_STRING?: string;

  /** containers are <prefix>-photos, -audio, -video, -thumbnails */
  @Matches(/^[a-z0-9](?:[a-z0-9-]{1,40})$/, {
    message: 'AZURE_CONTAINER_PREFIX must be 2-41 lowercase letters, digits or hyphens',
  })
  AZURE_CONTAINER_PREFIX = 'castad';

  /** files (photos, audio, video) when no Azure account is configured */
  @IsString() BLOB_LOCAL_ROOT = './data/blobs';

  /** largest owner photo accepted (bytes) */
  @Transform(toInt) @IsInt() @Min(10_000) @Max(50_000_000) PHOTO_MAX_BYTES = 10_000_000;

  /** largest owner photo accepted (width x height); larger ones are refused before decoding */
  @Transform(toInt) @IsInt() @Min(10_000) @Max(100_000_000) PHOTO_MAX_PIXELS = 40_000_000;

  /** host:port pairs a photo may be imported from although they are private (local development only; empty in production) */
  @IsOptional() @IsString() FETCH_ALLOW_HOSTS?: string;

  /** photos kept per store */
  @Transform(toInt) @IsInt() @Min(1) @Max(100) PHOTOS_PER_STORE = 20;
}

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
  env: StorageVariables,
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
export function photoLimits(env: StorageVariables): PhotoLimits {
  return {
    maxBytes: env.PHOTO_MAX_BYTES,
    maxPixels: env.PHOTO_MAX_PIXELS,
    perStore: env.PHOTOS_PER_STORE,
    fetchAllowHosts: commaList(env.FETCH_ALLOW_HOSTS),
  };
}
