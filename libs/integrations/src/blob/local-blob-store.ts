import { createHmac, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ProviderNotFoundError } from '../provider-errors';
import { MediaSource } from '../song/song-engine';
import { BLOB_CONTAINERS, BlobContainer, BlobStore, SignedLink } from './blob-store';

/**
 * The embedded default: files under a local folder, read through URLs the API serves,
 * signed with HMAC and expiring (the local stand-in for SAS URLs).
 */
export class LocalBlobStore extends BlobStore {
  readonly name = 'local';
  private readonly root: string;

  constructor(
    root: string,
    private readonly publicBaseUrl: string,
    private readonly signingKey: string,
  ) {
    super();
    this.root = resolve(root);
  }

  async put(
    container: BlobContainer,
    key: string,
    body: Buffer | Readable,
    _contentType: string,
  ): Promise<{ bytes: number }> {
    const file = this.path(container, key);
    await mkdir(dirname(file), { recursive: true });
    if (Buffer.isBuffer(body)) await writeFile(file, body);
    else await pipeline(body, createWriteStream(file));
    return { bytes: (await stat(file)).size };
  }

  async get(container: BlobContainer, key: string, offset = 0): Promise<Readable> {
    const file = this.path(container, key);
    await stat(file).catch(() => {
      throw new ProviderNotFoundError('blob', `no file ${container}/${key}`);
    });
    return createReadStream(file, { start: offset });
  }

  override servedFile(container: string, key: string, link: SignedLink): string | null {
    if (!(BLOB_CONTAINERS as readonly string[]).includes(container)) return null;
    if (!this.verify(container, key, link.exp, link.sig, link.downloadName)) return null;
    return this.path(container as BlobContainer, key);
  }

  async readUrl(
    container: BlobContainer,
    key: string,
    ttlSec: number,
    downloadName?: string,
  ): Promise<string> {
    const exp = Math.floor(Date.now() / 1000) + ttlSec;
    const params = new URLSearchParams({
      exp: String(exp),
      sig: this.sign(container, key, exp, downloadName ?? ''),
    });
    if (downloadName) params.set('name', downloadName);
    // the key travels as one path segment (its slashes encoded)
    return `${this.publicBaseUrl}/v1/files/${container}/${encodeURIComponent(key)}?${params}`;
  }

  /** True when a URL from readUrl is genuine and unexpired. */
  private verify(
    container: string,
    key: string,
    expText: string,
    sig: string,
    downloadName = '',
  ): boolean {
    if (!/^\d{1,12}$/.test(expText)) return false;
    const exp = Number(expText);
    if (exp < Date.now() / 1000) return false;
    const expected = Buffer.from(this.sign(container, key, exp, downloadName));
    const given = Buffer.from(sig);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  /** Removes the file, then the folders it leaves empty (a blob store has no folders to keep). */
  async delete(container: BlobContainer, key: string): Promise<void> {
    const file = this.path(container, key);
    await rm(file, { force: true });
    const top = join(this.root, container);
    for (let dir = dirname(file); dir.startsWith(top + sep); dir = dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        break; // not empty (or already gone): the folders above are in use too
      }
    }
  }

  async asMedia(container: BlobContainer, key: string, contentType: string): Promise<MediaSource> {
    return { kind: 'file', path: this.path(container, key), contentType };
  }

  async setTier(): Promise<void> {
    // a local disk has one tier
  }

  private sign(container: string, key: string, exp: number, name: string): string {
    return createHmac('sha256', this.signingKey)
      .update(`${container}\n${key}\n${exp}\n${name}`)
      .digest('base64url');
  }

  private path(container: BlobContainer, key: string): string {
    const file = resolve(this.root, container, key);
    if (!file.startsWith(join(this.root, container) + sep))
      throw new ProviderNotFoundError('blob', 'bad file key');
    return file;
  }
}
