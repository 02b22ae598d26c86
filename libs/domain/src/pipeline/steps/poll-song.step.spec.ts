import { ProviderUnavailableError, SongClip } from '@app/integrations';
import { StepFailedError } from '../step-context';
import { ownerActionOf } from '../project-state';
import { PollSongStep } from './poll-song.step';
import {
  asConfig,
  context,
  FakeSongEngine,
  InMemoryBlob,
  InMemoryContent,
  InMemoryFiles,
  InMemoryEvents,
  project,
  serveProviderFiles,
} from './step-doubles.test';

const clip = (n: number, url = `https://cdn.test/clip-${n}.mp3`): SongClip => ({
  providerClipId: `c${n}`,
  durationSec: 30,
  audio: { kind: 'url', url, contentType: 'audio/mpeg' },
  vocals: true,
  lineTimings: [1, 2],
});

function setup() {
  const engine = new FakeSongEngine();
  const content = new InMemoryContent();
  const events = new InMemoryEvents();
  const blob = new InMemoryBlob();
  const files = new InMemoryFiles();
  const step = new PollSongStep(asConfig(), engine, content.as(), events.as(), blob, files.as());
  return { engine, content, events, blob, files, step };
}

const submitted = (over = {}) =>
  project({ state: 'SONG_SUBMITTED', songTaskId: 'task-1', retries: 0, ...over });

describe('PollSongStep', () => {
  let fetches: jest.SpyInstance;
  beforeEach(() => (fetches = serveProviderFiles()));
  afterEach(() => fetches.mockRestore());

  it('waits while the song is generated', async () => {
    const t = setup();
    expect(await t.step.run(context(submitted()).ctx)).toMatchObject({ kind: 'wait' });
    expect(t.content.songs).toEqual([]);
  });

  it('copies the finished clips into the blob store, tracks and saves them, then discards the task', async () => {
    const t = setup();
    t.engine.polls = [{ status: 'done', clips: [clip(1), clip(2)] }];
    const out = await t.step.run(context(submitted()).ctx);
    expect([...t.blob.objects.keys()]).toEqual([
      'audio/projects/p1/song-1.mp3',
      'audio/projects/p1/song-2.mp3',
    ]);
    expect(t.files.tracked.map((f) => f.blobKey)).toEqual([
      'projects/p1/song-1.mp3',
      'projects/p1/song-2.mp3',
    ]);
    // on autopilot the first clip is picked
    expect(t.content.songs.map((s) => [s.providerClipId, s.selected])).toEqual([
      ['c1', true],
      ['c2', false],
    ]);
    expect(t.engine.discarded).toEqual(['task-1']);
    expect(out).toMatchObject({ kind: 'advance', to: 'SONG_READY', nextRunAt: expect.any(Date) });
  });

  it('stores when each word is sung with the sung clips as they arrive (none for an instrumental, none when the engine cannot say)', async () => {
    const t = setup();
    const asked: string[] = [];
    t.engine.sungWords = async (_task, clipId) => {
      asked.push(clipId);
      if (clipId === 'c2') throw new ProviderUnavailableError('suno', 'timestamps down');
      return { known: true, words: [{ text: '하나', startSec: 3.1, endSec: 3.6, placed: true }] };
    };
    t.engine.polls = [{ status: 'done', clips: [clip(1), clip(2), { ...clip(3), vocals: false }] }];
    await t.step.run(context(submitted()).ctx);
    // kept in the clips' one insert: submit_video finds them and writes nothing more
    expect(t.content.songs.map((s) => [s.providerClipId, s.words])).toEqual([
      ['c1', [{ text: '하나', startSec: 3.1, endSec: 3.6, placed: true }]],
      ['c2', null],
      ['c3', null],
    ]);
    expect(asked).toEqual(['c1', 'c2']);
  });

  it('fails for good on the task’s own failure, discarding it', async () => {
    const t = setup();
    t.engine.polls = [{ status: 'failed', reason: 'lyrics refused' }];
    await expect(t.step.run(context(submitted()).ctx)).rejects.toThrow(
      new StepFailedError('lyrics refused'),
    );
    expect(t.engine.discarded).toEqual(['task-1']);
  });

  it('after a person’s retry, a failed task asks for a new generation instead', async () => {
    const t = setup();
    t.engine.polls = [{ status: 'failed', reason: 'lyrics refused' }];
    t.events.lastCause = 'retry';
    const out = await t.step.run(context(submitted({ retries: 1 })).ctx);
    expect(out).toMatchObject({
      kind: 'advance',
      to: 'LYRICS_READY',
      patch: { songTaskId: null, retries: 2 },
    });
  });

  it('a task the provider no longer has goes back for a new (paid) generation', async () => {
    const t = setup();
    t.engine.polls = [{ status: 'gone', reason: 'unknown task' }];
    const out = await t.step.run(context(submitted()).ctx);
    expect(out).toMatchObject({
      kind: 'advance',
      to: 'LYRICS_READY',
      patch: { songTaskId: null, retries: 1 },
      message: expect.stringContaining('unknown task'),
    });
  });

  it('without autopilot the clips wait for the owner’s pick, the event saying so', async () => {
    const t = setup();
    t.engine.polls = [{ status: 'done', clips: [clip(1), clip(2)] }];
    const out = await t.step.run(context(submitted({ autopilot: false })).ctx);
    expect(out).toMatchObject({ kind: 'advance', to: 'SONG_READY', nextRunAt: null });
    expect(t.content.songs.map((s) => s.selected)).toEqual([false, false]);
    const message = (out as { message?: string }).message ?? null;
    expect(ownerActionOf({ toState: 'SONG_READY', message })).toBe('select_clip');
  });

  it('files that expired before the copy are fetched again from the task’s fresh URLs', async () => {
    const t = setup();
    t.engine.polls = [
      { status: 'done', clips: [clip(1, 'https://cdn.test/expired-1.mp3')] },
      { status: 'done', clips: [clip(1)] },
    ];
    const out = await t.step.run(context(submitted()).ctx);
    expect(out).toMatchObject({ kind: 'advance', to: 'SONG_READY' });
    expect(t.blob.objects.get('audio/projects/p1/song-1.mp3')!.toString()).toContain('clip-1');
  });

  it('expired files of a task now gone: a new generation; with no fresh files: failed for good', async () => {
    const expired = clip(1, 'https://cdn.test/expired-1.mp3');
    const gone = setup();
    gone.engine.polls = [
      { status: 'done', clips: [expired] },
      { status: 'gone', reason: 'purged' },
    ];
    expect(await gone.step.run(context(submitted()).ctx)).toMatchObject({ to: 'LYRICS_READY' });
    const stale = setup();
    stale.engine.polls = [{ status: 'done', clips: [expired] }, { status: 'pending' }];
    await expect(stale.step.run(context(submitted()).ctx)).rejects.toBeInstanceOf(StepFailedError);
    expect(stale.content.songs).toEqual([]);
  });

  it('lets a provider outage on poll go on to the runner’s retries', async () => {
    const t = setup();
    const down = new ProviderUnavailableError('suno', 'down');
    jest.spyOn(t.engine, 'poll').mockRejectedValue(down);
    await expect(t.step.run(context(submitted()).ctx)).rejects.toBe(down);
  });
});
