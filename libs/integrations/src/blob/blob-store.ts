import { Readable } from 'node:stream';
import { MediaSource } from '../song/song-engine';

export const BLOB_CONTAINERS = ['photos', 'audio', 'video', 'thumbnails'] as const;
export type BlobContainer = (typeof BLOB_CONTAINERS)[number];

/** Where every artifact lives: Azure Blob when staged, a local folder when embedded. */
export abstract class BlobStore {
  abstract readonly name: string;
  /**
   * Stores a file. `length`, when a stream's size is known beforehand (a Content-Length, a
   * file's size), lets the store send it as it comes in one request, without buffering it.
   */
  abstract put(
    container: BlobContainer,
    key: string,
    body: Buffer | Readable,
    contentType: string,
    length?: number,
  ): Promise<{ bytes: number }>;
  /** The file's bytes, from `offset` on (an interrupted upload resumes mid-file). */
  abstract get(container: BlobContainer, key: string, offset?: number): Promise<Readable>;
  /** A short-lived, read-only URL a client (or a provider) can fetch. */
  abstract readUrl(
    container: BlobContainer,
    key: string,
    ttlSec: number,
    downloadName?: string,
  ): Promise<string>;
  abstract delete(container: BlobContainer, key: string): Promise<void>;
  /** The file as an engine input: a local path when there is one, else a short-lived URL. */
  abstract asMedia(
    container: BlobContainer,
    key: string,
    contentType: string,
    ttlSec: number,
  ): Promise<MediaSource>;
  abstract setTier(
    container: BlobContainer,
    key: string,
    tier: 'Hot' | 'Cool' | 'Cold',
  ): Promise<void>;
  /**
   * The file on this machine that a signed link of `readUrl` names, when this store serves its
   * own links (GET /files) and the link is genuine and unexpired; otherwise null. Stores whose
   * links point elsewhere (Azure's SAS URLs) serve nothing here.
   */
  servedFile(_container: string, _key: string, _link: SignedLink): string | null {
    return null;
  }
}

/**
 * The query of a signed link as it came: its expiry (whole epoch seconds, digits only: "N.0"
 * or "1e9" is not the link we signed), signature and download name.
 */
export interface SignedLink {
  exp: string;
  sig: string;
  downloadName: string;
}
