import { BlobStore } from '@app/integrations';
import { ConflictError, NotFoundError } from '../../errors/domain-errors';
import { BlobObjectRepository } from '../../files/blob-object.repository';
import { DeleteProject } from './delete-project.use-case';
import {
  InMemoryBlobs,
  InMemoryContent,
  InMemoryProjects,
  OWNER,
  STRANGER,
} from './pipeline-doubles';

describe('DeleteProject', () => {
  let projects: InMemoryProjects;
  let content: InMemoryContent;
  let blobs: InMemoryBlobs;
  let remove: DeleteProject;
  beforeEach(() => {
    projects = new InMemoryProjects();
    content = new InMemoryContent();
    blobs = new InMemoryBlobs();
    remove = new DeleteProject(
      projects.asRepository(),
      content.asRepository(),
      blobs as unknown as BlobStore,
      blobs as unknown as BlobObjectRepository,
    );
  });

  it('deletes a finished project, then its clips, video and thumbnail', async () => {
    const p = projects.add({ state: 'DONE' });
    const clip = content.addClip(p.id, { blobKey: 'c1.m4a' });
    content.videoRows.push({
      id: 'v',
      projectId: p.id,
      engine: 'local',
      blobKey: 'v1.mp4',
      thumbnailBlobKey: 't1.jpg',
      durationSec: 30,
      width: 1080,
      height: 1920,
      createdAt: new Date(),
    });
    blobs.held.add(`audio/${clip.blobKey}`).add('video/v1.mp4').add('thumbnails/t1.jpg');
    await remove.execute(OWNER, p.id);
    expect(projects.rows.has(p.id)).toBe(false);
    expect([...blobs.held]).toEqual([]);
    expect(blobs.forgotten).toEqual(['audio/c1.m4a', 'video/v1.mp4', 'thumbnails/t1.jpg']);
  });

  it('goes on past a file it cannot delete (housekeeping sweeps it)', async () => {
    const p = projects.add({ state: 'FAILED' });
    content.addClip(p.id, { blobKey: 'stuck.m4a' });
    content.addClip(p.id, { blobKey: 'ok.m4a' });
    blobs.failing.add('stuck.m4a');
    await remove.execute(OWNER, p.id);
    expect(projects.rows.has(p.id)).toBe(false);
    expect(blobs.forgotten).toEqual(['audio/ok.m4a']);
  });

  it('refuses a live project, and hides another’s', async () => {
    const live = projects.add({ state: 'SONG_SUBMITTED' });
    await expect(remove.execute(OWNER, live.id)).rejects.toBeInstanceOf(ConflictError);
    const cancelled = projects.add({ state: 'CANCELLED' });
    await expect(remove.execute(STRANGER, cancelled.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(projects.rows.size).toBe(2);
  });
});
