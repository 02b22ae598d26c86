import { InMemoryProjects } from './pipeline-doubles';
import { RequeueProjects } from './requeue-projects.use-case';
import { RetryProject } from './retry-project.use-case';

/** Ops' requeue over an in-memory project table. */
function setup() {
  const projects = new InMemoryProjects();
  const retry = new RetryProject(projects.asRepository());
  return { projects, requeue: new RequeueProjects(projects.asRepository(), retry) };
}

describe('RequeueProjects', () => {
  const stale = new Date(Date.now() - 60_000);

  it('retries FAILED projects, wakes live ones without their lease, leaves finished ones', async () => {
    const { projects, requeue } = setup();
    const failed = projects.add({ state: 'FAILED', step: 'poll_video' });
    const live = projects.add({
      state: 'SONG_SUBMITTED',
      leaseOwner: 'gone',
      leaseUntil: stale,
      nextRunAt: null,
    });
    const done = projects.add({ state: 'DONE' });
    const plan = await requeue.execute({ ids: [failed.id, live.id, done.id] }, false);
    expect(plan).toEqual([
      { id: failed.id, state: 'FAILED', action: 'retry' },
      { id: live.id, state: 'SONG_SUBMITTED', action: 'wake' },
      { id: done.id, state: 'DONE', action: 'skip' },
    ]);
    expect(projects.rows.get(failed.id)).toMatchObject({
      state: 'SONG_READY',
      step: 'submit_video',
    });
    expect(projects.rows.get(live.id)).toMatchObject({ leaseOwner: null, leaseUntil: null });
    expect(projects.rows.get(live.id)?.nextRunAt).toBeInstanceOf(Date);
    expect(projects.rows.get(done.id)?.state).toBe('DONE');
  });

  it('changes nothing on a dry run', async () => {
    const { projects, requeue } = setup();
    const failed = projects.add({ state: 'FAILED', step: 'write_lyrics' });
    const live = projects.add({ state: 'DRAFT', leaseOwner: 'gone', leaseUntil: stale });
    const plan = await requeue.execute({ state: 'FAILED' }, true);
    expect(plan).toEqual([{ id: failed.id, state: 'FAILED', action: 'retry' }]);
    expect(projects.rows.get(failed.id)?.state).toBe('FAILED');
    expect(projects.rows.get(live.id)?.leaseOwner).toBe('gone');
  });
});
