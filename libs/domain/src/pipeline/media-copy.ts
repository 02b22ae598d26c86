import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
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
 * Creatomate 30), so nothing we keep may point at them. The file streams through: its size,
 * when known before (the file's, the answer's Content-Length), lets the store send it as it
 * comes instead of buffering it.
 */
export async function copyIntoBlob(
  blob: BlobStore,
  source: MediaSource,
  container: BlobContainer,
  key: string,
  timeoutMs: number,
): Promise<{ bytes: number }> {
  if (source.kind === 'file') {
    const { size } = await stat(source.path);
    return blob.put(container, key, createReadStream(source.path), source.contentType, size);
  }
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
    bodyLength(res.headers),
  );
}

/** The body's size as it reaches us: a compressed answer's Content-Length is not (fetch inflates it). */
function bodyLength(headers: Headers): number | undefined {
  const encoding = headers.get('content-encoding');
  if (encoding && encoding !== 'identity') return undefined;
  const length = headers.get('content-length');
  return length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
}
