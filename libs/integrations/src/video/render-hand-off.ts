import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { BlobContainer, BlobStore } from '../blob/blob-store';
import { ProviderNotFoundError } from '../provider-errors';
import { MediaSource } from '../song/song-engine';

/** What a finished render left for its poll: the video, its thumbnail, and what it says of them. */
export interface HandedOffRender<M> {
  meta: M;
  video: MediaSource;
  thumbnail: MediaSource;
}

/** how long the links to a handed-off render's files live: its poll copies them at once */
const LINK_TTL_SEC = 3600;

/**
 * A render's finished files handed to whichever host polls it (Bull workers: the render runs
 * on one host, its poll on any), through the shared blob store instead of the local work dir.
 * Each run's files go under a task id of their own (the render's key plus a nonce), so two runs
 * of one key (a lease taken over from a live but stalled worker) never write each other's files,
 * and the project's task id, written under the lease, names the files of the run that won.
 */
export class RenderHandOff {
  constructor(private readonly blob: BlobStore) {}

  /** a fresh task id for one run of the render `keyHash` names */
  taskIdFor(keyHash: string): string {
    return `${keyHash}-${randomBytes(4).toString('hex')}`;
  }

  /** Puts the render in `dir` under `taskId`; meta.json last, so its presence means complete. */
  async put(taskId: string, dir: string): Promise<void> {
    const file = (name: string) => createReadStream(join(dir, name));
    for (const [container, name, type] of FILES)
      await this.blob.put(container, this.key(taskId, name), file(name), type);
  }

  /** The handed-off render, or null when none was (fully) put under `taskId`. */
  async get<M>(taskId: string): Promise<HandedOffRender<M> | null> {
    let meta: M;
    try {
      meta = JSON.parse(await text(await this.blob.get('video', this.key(taskId, 'meta.json'))));
    } catch (err) {
      if (err instanceof ProviderNotFoundError) return null;
      throw err;
    }
    const media = (container: BlobContainer, name: string, type: string) =>
      this.blob.asMedia(container, this.key(taskId, name), type, LINK_TTL_SEC);
    return {
      meta,
      video: await media('video', 'video.mp4', 'video/mp4'),
      thumbnail: await media('thumbnails', 'thumb.jpg', 'image/jpeg'),
    };
  }

  /** Its files go (once the poll stored the video, or the render was given up on). */
  async discard(taskId: string): Promise<void> {
    for (const [container, name] of FILES)
      await this.blob.delete(container, this.key(taskId, name)).catch(() => undefined);
  }

  private key(taskId: string, name: string): string {
    return `renders/${taskId}/${name}`;
  }
}

const FILES: [BlobContainer, string, string][] = [
  ['video', 'video.mp4', 'video/mp4'],
  ['thumbnails', 'thumb.jpg', 'image/jpeg'],
  ['video', 'meta.json', 'application/json'],
];
