import { ProviderNotFoundError, VideoPoll } from '@app/integrations';
import type { VideoEntity } from '../../entities/content.entity';
import { StepFailedError } from '../step-context';
import { PollVideoStep } from './poll-video.step';
import {
  asConfig,
  context,
  FakeRenderer,
  InMemoryBlob,
  InMemoryContent,
  InMemoryFiles,
  project,
  renderersOf,
  serveProviderFiles,
  support,
} from './step-doubles.test';

const done = (over: Partial<Extract<VideoPoll, { status: 'done' }>> = {}): VideoPoll => ({
  status: 'done',
  engine: 'creatomate',
  video: { kind: 'url', url: 'https://cdn.test/v.mp4', contentType: 'video/mp4' },
  thumbnail: { kind: 'url', url: 'https://cdn.test/t.jpg', contentType: 'image/jpeg' },
  durationSec: 30,
  width: 1080,
  height: 1920,
  ...over,
});

function setup() {
  const s = support();
  const content = new InMemoryContent();
  const creatomate = new FakeRenderer('creatomate');
  const ffmpeg = new FakeRenderer('ffmpeg');
  const blob = new InMemoryBlob();
  const files = new InMemoryFiles();
  const step = new PollVideoStep(
    asConfig(),
    renderersOf(creatomate, ffmpeg),
    content.as(),
    blob,
    files.as(),
    s.progress,
  );
  return { ...s, content, creatomate, ffmpeg, blob, files, step };
}

const submitted = (over = {}) =>
  project({ state: 'VIDEO_SUBMITTED', videoTaskId: 'render-1', ...over });

describe('PollVideoStep', () => {
  let fetches: jest.SpyInstance;
  beforeEach(() => (fetches = serveProviderFiles()));
  afterEach(() => fetches.mockRestore());

  it('waits while rendering, writing the provider’s stage only when it moved the percent on', async () => {
    const t = setup();
    t.creatomate.polls = [
      { status: 'pending', fraction: 0.5 },
      { status: 'pending', fraction: 0.5 },
      { status: 'pending', fraction: 0 },
      { status: 'pending' },
    ];
    for (let i = 0; i < 4; i++)
      expect(await t.step.run(context(submitted()).ctx)).toMatchObject({ kind: 'wait' });
    expect(t.events.progress).toEqual([
      expect.objectContaining({ step: 'poll_video', percent: 64 }),
    ]);
  });

  it('copies the video and thumbnail, tracks and saves them, discards the render: DONE', async () => {
    const t = setup();
    t.creatomate.polls = [done()];
    const out = await t.step.run(context(submitted()).ctx);
    expect([...t.blob.objects.keys()]).toEqual([
      'video/projects/p1/video.mp4',
      'thumbnails/projects/p1/thumb.jpg',
    ]);
    expect(t.files.tracked.map((f) => `${f.container}/${f.blobKey}`)).toEqual([
      'video/projects/p1/video.mp4',
      'thumbnails/projects/p1/thumb.jpg',
    ]);
    expect(t.content.videos).toEqual([
      expect.objectContaining({ engine: 'creatomate', blobKey: 'projects/p1/video.mp4' }),
    ]);
    expect(t.creatomate.discarded).toEqual(['render-1']);
    expect(out).toEqual({ kind: 'advance', to: 'DONE', nextRunAt: null });
  });

  it('polls the renderer of the engine the project asked for', async () => {
    const t = setup();
    t.ffmpeg.polls = [done({ engine: 'ffmpeg', thumbnail: undefined })];
    await t.step.run(context(submitted({ options: { videoEngine: 'ffmpeg' } })).ctx);
    expect(t.ffmpeg.discarded).toEqual(['render-1']);
    expect(t.content.videos[0]).toMatchObject({ engine: 'ffmpeg', thumbnailBlobKey: null });
  });

  it('a remake gets keys of its own; the replaced files go once the new video is saved', async () => {
    const t = setup();
    t.content.videos = [
      {
        projectId: 'p1',
        blobKey: 'projects/p1/video.mp4',
        thumbnailBlobKey: 'projects/p1/thumb.jpg',
      } as VideoEntity,
    ];
    t.creatomate.polls = [done()];
    await t.step.run(context(submitted({ retries: 2 })).ctx);
    expect(t.content.videos[0].blobKey).toBe('projects/p1/video-2.mp4');
    expect(t.blob.deleted).toEqual([
      'video/projects/p1/video.mp4',
      'thumbnails/projects/p1/thumb.jpg',
    ]);
    expect(t.files.forgotten).toEqual(t.blob.deleted);
  });

  it('fails for good on a failed render, discarding it', async () => {
    const t = setup();
    t.creatomate.polls = [{ status: 'failed', reason: 'bad template' }];
    await expect(t.step.run(context(submitted()).ctx)).rejects.toThrow(
      new StepFailedError('bad template'),
    );
    expect(t.creatomate.discarded).toEqual(['render-1']);
  });

  it('a video file that expired before the copy is a not-found provider error, nothing saved', async () => {
    const t = setup();
    t.creatomate.polls = [
      done({
        video: { kind: 'url', url: 'https://cdn.test/expired.mp4', contentType: 'video/mp4' },
      }),
    ];
    await expect(t.step.run(context(submitted()).ctx)).rejects.toBeInstanceOf(
      ProviderNotFoundError,
    );
    expect(t.content.videos).toEqual([]);
    expect(t.creatomate.discarded).toEqual([]);
  });
});
