import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import {
  BlobContainer,
  BlobStore,
  MediaSource,
  ProviderNotFoundError,
  ProviderUnavailableError,
} from '@app/integrations';

/**
 * Copies an engine's output into our blob store: provider URLs expire (Suno ~14 days,
 * Creatomate 30), so nothing we keep may point at them.
 */
export async function copyIntoBlob(
  blob: BlobStore,
  source: MediaSource,
  container: BlobContainer,
  key: string,
  timeoutMs: number,
): Promise<{ bytes: number }> {
  if (source.kind === 'file')
    return blob.put(container, key, createReadStream(source.path), source.contentType);
  let res: Response;
  try {
    res = await fetch(source.url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new ProviderUnavailableError(
      'download',
      `could not download ${new URL(source.url).host}: ${(err as Error).message}`,
    );
  }
  if (res.status === 404 || res.status === 403 || res.status === 410)
    throw new ProviderNotFoundError(
      'download',
      `the provider's file is gone (${res.status}): it expired before we copied it`,
    );
  if (!res.ok || !res.body)
    throw new ProviderUnavailableError('download', `download answered ${res.status}`);
  return blob.put(
    container,
    key,
    Readable.fromWeb(res.body as import('node:stream/web').ReadableStream),
    source.contentType,
  );
}
