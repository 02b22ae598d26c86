import { Injectable } from '@nestjs/common';
import { BlobContainer, BlobStore } from '@app/integrations';
import { BlobObjectRepository } from './blob-object.repository';

/** How long a link to a stored file works: long enough to watch a video, short enough to leak little. */
export const MEDIA_LINK_TTL_SEC = 15 * 60;

/**
 * Signed links to stored media, one rule for every screen: the same lifetime, the download
 * names, and an owner's look counted as access (so tiering keeps what people watch hot).
 */
@Injectable()
export class MediaLinks {
  constructor(
    private readonly blob: BlobStore,
    private readonly files: BlobObjectRepository,
  ) {}

  /** A link to show or stream the file. */
  view(container: BlobContainer, blobKey: string): Promise<string> {
    return this.blob.readUrl(container, blobKey, MEDIA_LINK_TTL_SEC);
  }

  /** A link that downloads the file under `name`. */
  download(container: BlobContainer, blobKey: string, name: string): Promise<string> {
    return this.blob.readUrl(container, blobKey, MEDIA_LINK_TTL_SEC, name);
  }

  /** The download name of a project's video (the same on the project's page and in the archive). */
  videoName(projectId: string): string {
    return `castad-${projectId.slice(0, 8)}.mp4`;
  }

  /** The download name of a project's song clip `n` (1-based), keeping its format's extension. */
  clipName(projectId: string, n: number, blobKey: string): string {
    return `castad-${projectId.slice(0, 8)}-song-${n}${blobKey.slice(blobKey.lastIndexOf('.'))}`;
  }

  /** Someone looked at the file: its last access moves (never holds the answer up). */
  accessed(container: BlobContainer, blobKey: string): void {
    void this.files.touch(container, blobKey).catch(() => undefined);
  }
}
