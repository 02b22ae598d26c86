import { Readable } from 'node:stream';
import { BlobSASPermissions, BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { ProviderNotFoundError, ProviderUnavailableError } from '../provider-errors';
import { MediaSource } from '../song/song-engine';
import { BlobContainer, BlobStore } from './blob-store';

/** The largest body Put Blob takes in one request (service versions since 2019-12-12). */
const MAX_SINGLE_PUT_BYTES = 5000 * 1024 * 1024;

/**
 * Azure Blob Storage: one container per kind of file, content types set, read access only
 * through short-lived read-only SAS URLs, access tiers, delete.
 */
export class AzureBlobStore extends BlobStore {
  readonly name = 'azure';
  private readonly service: BlobServiceClient;
  /**
   * The same account, for streamed single-request uploads: no retry inside the SDK, as a
   * stream already sent cannot be sent again (the step that copies the file retries instead).
   */
  private readonly singleTry: BlobServiceClient;
  private readonly singleTryContainers = new Map<BlobContainer, ContainerClient>();
  private readonly ready = new Map<BlobContainer, Promise<ContainerClient>>();

  constructor(
    connectionString: string,
    private readonly prefix: string,
  ) {
    super();
    this.service = BlobServiceClient.fromConnectionString(connectionString);
    this.singleTry = BlobServiceClient.fromConnectionString(connectionString, {
      retryOptions: { maxTries: 1 },
    });
  }

  async put(
    container: BlobContainer,
    key: string,
    body: Buffer | Readable,
    contentType: string,
    length?: number,
  ): Promise<{ bytes: number }> {
    const containerClient = await this.container(container);
    try {
      if (Buffer.isBuffer(body)) {
        const blob = containerClient.getBlockBlobClient(key);
        await blob.uploadData(body, { blobHTTPHeaders: { blobContentType: contentType } });
        return { bytes: body.length };
      }
      // one Put Blob with the stream as its body: uploadStream() copies every file into 4 MiB
      // buffers of its own (allocated per upload, a GC load) and commits a block list after
      if (length !== undefined && length <= MAX_SINGLE_PUT_BYTES) {
        // the SDK pipes the stream into its request, which does not end when the stream fails
        // (a download cut mid-file): the failure cuts the request, or it would wait forever
        const cut = new AbortController();
        const onError = (err: Error) => cut.abort(err);
        body.once('error', onError);
        try {
          await this.singleTryContainer(container)
            .getBlockBlobClient(key)
            .upload(body, length, {
              blobHTTPHeaders: { blobContentType: contentType },
              abortSignal: cut.signal,
            });
        } catch (err) {
          throw cut.signal.aborted ? (cut.signal.reason as Error) : err;
        } finally {
          body.off('error', onError);
        }
        return { bytes: length };
      }
      const blob = containerClient.getBlockBlobClient(key);
      let bytes = 0;
      const counted = body.on('data', (c: Buffer) => (bytes += c.length));
      await blob.uploadStream(counted, 4 * 1024 * 1024, 4, {
        blobHTTPHeaders: { blobContentType: contentType },
      });
      return { bytes };
    } catch (err) {
      throw new ProviderUnavailableError(
        'azure-blob',
        `upload of ${container}/${key} failed: ${(err as Error).message}`,
      );
    }
  }

  async get(container: BlobContainer, key: string, offset = 0): Promise<Readable> {
    const blob = (await this.container(container)).getBlobClient(key);
    try {
      const res = await blob.download(offset);
      return res.readableStreamBody as Readable;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404)
        throw new ProviderNotFoundError('azure-blob', `no file ${container}/${key}`);
      throw new ProviderUnavailableError(
        'azure-blob',
        `download of ${container}/${key} failed: ${(err as Error).message}`,
      );
    }
  }

  async readUrl(
    container: BlobContainer,
    key: string,
    ttlSec: number,
    downloadName?: string,
  ): Promise<string> {
    const blob = (await this.container(container)).getBlobClient(key);
    return blob.generateSasUrl({
      permissions: BlobSASPermissions.parse('r'),
      startsOn: new Date(Date.now() - 60_000), // clock skew
      expiresOn: new Date(Date.now() + ttlSec * 1000),
      ...(downloadName
        ? {
            contentDisposition: `attachment; filename="${downloadName.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
          }
        : {}),
    });
  }

  async asMedia(
    container: BlobContainer,
    key: string,
    contentType: string,
    ttlSec: number,
  ): Promise<MediaSource> {
    return { kind: 'url', url: await this.readUrl(container, key, ttlSec), contentType };
  }

  async delete(container: BlobContainer, key: string): Promise<void> {
    await (await this.container(container)).getBlobClient(key).deleteIfExists();
  }

  async setTier(
    container: BlobContainer,
    key: string,
    tier: 'Hot' | 'Cool' | 'Cold',
  ): Promise<void> {
    await (await this.container(container)).getBlobClient(key).setAccessTier(tier);
  }

  /** the container's client of `singleTry` (made once: a client parses its URL when made) */
  private singleTryContainer(kind: BlobContainer): ContainerClient {
    let c = this.singleTryContainers.get(kind);
    if (!c) {
      c = this.singleTry.getContainerClient(`${this.prefix}-${kind}`);
      this.singleTryContainers.set(kind, c);
    }
    return c;
  }

  private container(kind: BlobContainer): Promise<ContainerClient> {
    let c = this.ready.get(kind);
    if (!c) {
      const client = this.service.getContainerClient(`${this.prefix}-${kind}`);
      c = client.createIfNotExists().then(() => client);
      c.catch(() => this.ready.delete(kind));
      this.ready.set(kind, c);
    }
    return c;
  }
}
