import { Injectable, Logger } from '@nestjs/common';
import { BlobContainer, BlobStore } from '@app/integrations';
import { Principal } from '../../accounts/principal';
import { ConflictError } from '../../errors/domain-errors';
import { BlobObjectRepository } from '../../files/blob-object.repository';
import { ContentRepository } from '../content.repository';
import { TERMINAL_STATES } from '../project-state';
import { ProjectRepository } from '../project.repository';
import { ownedProject } from './project-lookup';

/** Deletes a finished, failed or cancelled project with its files. */
@Injectable()
export class DeleteProject {
  private readonly logger = new Logger(DeleteProject.name);

  constructor(
    private readonly projects: ProjectRepository,
    private readonly content: ContentRepository,
    private readonly blob: BlobStore,
    private readonly files: BlobObjectRepository,
  ) {}

  async execute(by: Principal, id: string): Promise<void> {
    const p = await ownedProject(this.projects, by, id);
    if (!TERMINAL_STATES.includes(p.state) && p.state !== 'FAILED')
      throw new ConflictError('cancel the project before deleting it');
    const blobs = await this.filesOf(id);
    await this.projects.delete(id);
    // rows first: a file left behind by a failed delete is swept by housekeeping, never shown
    for (const [container, key] of blobs) {
      try {
        await this.blob.delete(container, key);
        await this.files.forget(container, [key]);
      } catch (err) {
        this.logger.warn(
          `could not delete ${container}/${key} of project ${id}: ${(err as Error).message}`,
        );
      }
    }
  }

  private async filesOf(id: string): Promise<[BlobContainer, string][]> {
    const clips = await this.content.clips(id);
    const video = await this.content.video(id);
    const files: [BlobContainer, string][] = clips.map((c) => ['audio', c.blobKey]);
    if (video) files.push(['video', video.blobKey]);
    if (video?.thumbnailBlobKey) files.push(['thumbnails', video.thumbnailBlobKey]);
    return files;
  }
}
