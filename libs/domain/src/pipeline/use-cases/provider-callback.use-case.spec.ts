import { SongEngine, Usage, VideoRenderer } from '@app/integrations';
import { NotFoundError } from '../../errors/domain-errors';
import type { BudgetHoldRepository } from '../budget-hold.repository';
import { InMemoryProjects, InMemoryUsage } from './pipeline-doubles';
import { ProviderCallback } from './provider-callback.use-case';

/** The engines' parts a callback uses: their bodies carry `{ task: id }`. */
const readTask = (body: unknown) => {
  const t = (body as { task?: unknown } | null)?.task;
  return typeof t === 'string' ? t : null;
};
const song = {
  name: 'song-provider',
  taskIdFromCallback: readTask,
  recoveredUsage: (): Usage => ({ unit: 'song', units: 1 }),
} as unknown as SongEngine;
/** a render costs 2 per second of the length asked */
const renderer = {
  name: 'creatomate',
  taskIdFromCallback: readTask,
  recoveredUsage: (req: { lengthSec: number }): Usage => ({
    unit: 'render_second',
    units: 2 * req.lengthSec,
  }),
} as unknown as VideoRenderer;

describe('ProviderCallback', () => {
  let projects: InMemoryProjects;
  let usage: InMemoryUsage;
  let callback: ProviderCallback;
  /** the budget holds released, as `provider:key` */
  let released: string[];
  const TOKEN = 'token-0123456789';
  beforeEach(() => {
    projects = new InMemoryProjects();
    usage = new InMemoryUsage();
    released = [];
    const holds = {
      release: async (provider: string, key: string) => void released.push(`${provider}:${key}`),
    } as unknown as BudgetHoldRepository;
    callback = new ProviderCallback(
      projects.asRepository(),
      usage.asRepository(),
      holds,
      song,
      renderer,
    );
  });
  /** A submission whose answer a crash lost: its key is pending, its task id unknown. */
  const lostSong = () =>
    projects.add({
      state: 'LYRICS_READY',
      pendingSubmissionKey: 'p:submit_song:1',
      pendingSubmissionAt: new Date(),
      leaseOwner: 'dead-worker',
      leaseUntil: new Date(Date.now() + 60_000),
    });

  it('refuses an unknown project or a wrong token alike, changing nothing', async () => {
    const p = lostSong();
    const wrong = { lane: 'song' as const, key: 'p:submit_song:1', body: { task: 't' } };
    await expect(
      callback.execute({ ...wrong, projectId: p.id, token: 'token-9999999999' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      callback.execute({ ...wrong, projectId: 'nope', token: TOKEN }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(projects.rows.get(p.id)?.state).toBe('LYRICS_READY');
    expect(usage.rows).toEqual([]);
  });

  it('adopts the task id of a lost submission and meters it once, however often it calls', async () => {
    const p = lostSong();
    const call = { lane: 'song' as const, projectId: p.id, token: TOKEN, key: 'p:submit_song:1' };
    await callback.execute({ ...call, body: { task: 'song-task-1' } });
    expect(projects.rows.get(p.id)).toMatchObject({
      state: 'SONG_SUBMITTED',
      step: 'poll_song',
      songTaskId: 'song-task-1',
      pendingSubmissionKey: null,
      leaseOwner: null,
    });
    expect(projects.events.at(-1)?.message).toBe('task id recovered from the provider callback');
    await callback.execute({ ...call, body: { task: 'song-task-1' } });
    expect(usage.rows).toEqual([
      {
        projectId: p.id,
        userId: 'u-1',
        provider: 'song-provider',
        operation: 'submit_song',
        unit: 'song',
        units: 1,
        idempotencyKey: 'p:submit_song:1',
      },
    ]);
    // metered now, so the budget it held while in doubt is freed
    expect(released).toContain('song-provider:p:submit_song:1');
  });

  it('bills a recovered render as its engine says, for the length the project asked', async () => {
    const p = projects.add({
      state: 'SONG_READY',
      options: { lengthSec: 20 },
      pendingSubmissionKey: 'p:submit_video:1',
    });
    await callback.execute({
      lane: 'video',
      projectId: p.id,
      token: TOKEN,
      key: 'p:submit_video:1',
      body: { task: 'render-1' },
    });
    expect(projects.rows.get(p.id)).toMatchObject({
      state: 'VIDEO_SUBMITTED',
      videoTaskId: 'render-1',
    });
    expect(usage.rows).toMatchObject([
      { provider: 'creatomate', unit: 'render_second', units: 40 },
    ]);
  });

  it('adopts nothing on a key that is not the pending one or a body without a task id', async () => {
    const p = lostSong();
    const call = { lane: 'song' as const, projectId: p.id, token: TOKEN };
    await callback.execute({ ...call, key: 'p:submit_song:0', body: { task: 't' } });
    await callback.execute({ ...call, key: 'p:submit_song:1', body: { other: 1 } });
    await callback.execute({ ...call, key: undefined, body: { task: 't' } });
    expect(projects.rows.get(p.id)?.state).toBe('LYRICS_READY');
    expect(usage.rows).toEqual([]);
    expect(released).toEqual([]);
  });

  it('otherwise only brings the poll of the waiting lane forward', async () => {
    const waiting = projects.add({ state: 'VIDEO_SUBMITTED', nextRunAt: null });
    await callback.execute({
      lane: 'video',
      projectId: waiting.id,
      token: TOKEN,
      key: 'k',
      body: {},
    });
    expect(projects.rows.get(waiting.id)?.nextRunAt).toBeInstanceOf(Date);
    // a song callback does not wake a project that waits on its render
    const other = projects.add({ state: 'VIDEO_SUBMITTED', nextRunAt: null });
    await callback.execute({ lane: 'song', projectId: other.id, token: TOKEN, key: 'k', body: {} });
    expect(projects.rows.get(other.id)?.nextRunAt).toBeNull();
  });
});
