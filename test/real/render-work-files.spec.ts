import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  FfmpegAbortedError,
  FfmpegVideoRenderer,
  LocalBlobStore,
  SynthSongEngine,
  VideoRequest,
} from '@app/integrations';
import { describeWithServers } from '../harness/binaries';
import { removeDir, tempDir } from '../harness/process';

jest.setTimeout(300_000);

const lyrics = {
  title: '노래',
  sections: [{ name: 'verse', lines: ['하나', '둘', '셋', '넷'] }],
};

/** The offline engines' work files go when their step ends: done, failed or stopped. */
describeWithServers(['ffmpeg', 'ffprobe'], 'work files of the offline engines', () => {
  const dir = tempDir('work-files');
  const work = join(dir, 'work');
  const renders = () =>
    existsSync(join(work, 'renders')) ? readdirSync(join(work, 'renders')) : [];
  const synthFiles = () =>
    existsSync(join(work, 'synth')) ? readdirSync(join(work, 'synth')) : [];
  let request: VideoRequest;
  let songTask: string;

  beforeAll(async () => {
    const song = new SynthSongEngine(work);
    const { taskId } = await song.submit(
      { title: 't', lyrics, mood: 'bright', genre: 'pop', lengthSec: 15 },
      'w1:submit_song:1',
    );
    const polled = await song.poll(taskId);
    if (polled.status !== 'done') throw new Error('synth did not finish');
    request = {
      audio: polled.clips[0].audio,
      durationSec: 6,
      photos: [],
      captions: [{ text: '하나', startSec: 0.5, endSec: 2 }],
      endCard: { name: '가게' },
    };
    songTask = taskId;
  });

  afterAll(() => removeDir(dir));

  it('reports the render’s progress from FFmpeg, and removes its folder once discarded', async () => {
    const renderer = new FfmpegVideoRenderer(work, 120_000, { preset: 'ultrafast' });
    const fractions: number[] = [];
    const { taskId } = await renderer.submit(request, 'w1:submit_video:1', undefined, {
      onProgress: (p) => fractions.push(p.fraction),
    });
    expect(fractions.length).toBeGreaterThan(0);
    expect([...fractions].sort((a, b) => a - b)).toEqual(fractions);
    expect(fractions[fractions.length - 1]).toBe(1);
    expect(renders()).toEqual([taskId]);
    expect((await renderer.poll(taskId)).status).toBe('done');
    await renderer.discard(taskId);
    expect(renders()).toEqual([]);
  });

  it('removes the folder of a render that failed', async () => {
    const renderer = new FfmpegVideoRenderer(work, 120_000, { preset: 'ultrafast' });
    // the song went missing between the step's start and FFmpeg's: the stills and the filter
    // script are written, then FFmpeg fails
    const missing = join(dir, 'gone.m4a');
    await expect(
      renderer.submit(
        { ...request, audio: { kind: 'file', path: missing, contentType: 'audio/mp4' } },
        'w1:submit_video:2',
      ),
    ).rejects.toThrow(/ffmpeg failed/);
    expect(renders()).toEqual([]);
  });

  it('removes the folder of a render stopped mid-way, and the files of a stopped synthesis', async () => {
    const renderer = new FfmpegVideoRenderer(work, 120_000, { preset: 'ultrafast' });
    const stop = new AbortController();
    const started = renderer.submit(
      { ...request, durationSec: 60 },
      'w1:submit_video:3',
      stop.signal,
      { onProgress: () => stop.abort() }, // stopped at its first report
    );
    await expect(started).rejects.toBeInstanceOf(FfmpegAbortedError);
    expect(renders()).toEqual([]);

    const song = new SynthSongEngine(work);
    // taken: the jingle's files go
    expect(synthFiles().length).toBeGreaterThan(0);
    await song.discard(songTask);
    expect(synthFiles()).toEqual([]);
    await expect(
      song.submit(
        { title: 't', lyrics, mood: 'bright', genre: 'pop', lengthSec: 60 },
        'w1:submit_song:2',
        AbortSignal.timeout(50),
      ),
    ).rejects.toBeInstanceOf(FfmpegAbortedError);
    expect(synthFiles()).toEqual([]);
  });

  it('deletes a blob without leaving its empty folders behind', async () => {
    const root = join(dir, 'blobs');
    const store = new LocalBlobStore(root, 'http://127.0.0.1', 'k'.repeat(32));
    await store.put('video', 'projects/p1/video.mp4', Buffer.from('a'), 'video/mp4');
    await store.put('video', 'projects/p1/video-1.mp4', Buffer.from('b'), 'video/mp4');
    await store.put('video', 'projects/p2/video.mp4', Buffer.from('c'), 'video/mp4');
    await store.delete('video', 'projects/p1/video.mp4');
    expect(readdirSync(join(root, 'video', 'projects', 'p1'))).toEqual(['video-1.mp4']);
    await store.delete('video', 'projects/p1/video-1.mp4');
    expect(readdirSync(join(root, 'video', 'projects'))).toEqual(['p2']);
    await store.delete('video', 'projects/p2/video.mp4');
    // the container stays; nothing under it
    expect(readdirSync(join(root, 'video'))).toEqual([]);
    // a key already gone is no error
    await store.delete('video', 'projects/p2/video.mp4');
  });
});
