import { ProjectEventEntity } from '../../entities/project-event.entity';
import { InMemoryProjects } from './pipeline-doubles';
import { ProjectProgress } from './project-progress.use-case';

describe('ProjectProgress', () => {
  let projects: InMemoryProjects;
  let progress: ProjectProgress;
  beforeEach(() => {
    projects = new InMemoryProjects();
    progress = new ProjectProgress(projects.asEvents(), projects.asHealth());
  });
  const soon = () => new Date(Date.now() + 60_000);
  /** a project whose render runs now (its step leased) */
  const renderingNow = () =>
    projects.add({
      state: 'SONG_READY',
      nextRunAt: new Date(),
      leaseOwner: 'worker-1',
      leaseUntil: soon(),
    });

  it('is 100 % with nothing left once DONE; FAILED keeps the percent of the failed step', async () => {
    expect(await progress.of(projects.add({ state: 'DONE' }))).toEqual({
      percent: 100,
      etaSec: 0,
      waitingFor: null,
    });
    expect(await progress.of(projects.add({ state: 'FAILED', step: 'submit_video' }))).toEqual({
      percent: 30,
      etaSec: null,
      waitingFor: null,
    });
  });

  it('adds up the steps left from typical durations (defaults before any history)', async () => {
    const p = projects.add({ state: 'LYRICS_READY', nextRunAt: null });
    // submit_song 5 s + poll_song 30 s + submit_video 50 s + poll_video 5 s
    expect(await progress.of(p)).toEqual({ percent: 6, etaSec: 90, waitingFor: 'owner' });
    const q = new ProjectProgress(projects.asEvents(), projects.asHealth());
    projects.medians = { poll_song: 10_000 };
    expect((await q.of(p)).etaSec).toBe(70);
  });

  it('counts what the running step has left from the progress it reported', async () => {
    const p = renderingNow();
    projects.events.push({
      projectId: p.id,
      fromState: 'SONG_READY',
      toState: 'SONG_READY',
      step: 'submit_video',
      percent: 64,
    } as Partial<ProjectEventEntity>);
    // half of submit_video's 50 s, then poll_video's 5 s
    expect(await progress.of(p)).toEqual({ percent: 64, etaSec: 30, waitingFor: 'scheduler' });
    // a lease that ran out: the step will run again in full, but the bar does not go back
    // until it does (its first report then says why)
    const stale = { ...p, leaseUntil: new Date(Date.now() - 1000) };
    expect(await progress.of(stale)).toMatchObject({ percent: 64, etaSec: 55 });
  });

  it('keeps the render’s percent once its submission moved the project on, and only this run’s', async () => {
    const p = projects.add({ state: 'SONG_READY', nextRunAt: new Date() });
    const event = (e: Partial<ProjectEventEntity>) =>
      projects.events.push({ projectId: p.id, ...e } as Partial<ProjectEventEntity>);
    // a first render, done; then a re-render from the finished project
    event({ fromState: 'SONG_READY', toState: 'SONG_READY', step: 'submit_video', percent: 96 });
    event({ fromState: 'SONG_READY', toState: 'VIDEO_SUBMITTED', step: 'submit_video' });
    event({ fromState: 'VIDEO_SUBMITTED', toState: 'DONE', step: 'poll_video' });
    event({ fromState: 'DONE', toState: 'SONG_READY', step: 'remake_video' });
    // the old render's 96 % is not this run's
    expect((await progress.of(p)).percent).toBe(30);
    event({ fromState: 'SONG_READY', toState: 'SONG_READY', step: 'submit_video', percent: 58 });
    expect((await progress.of(p)).percent).toBe(58);
    event({ fromState: 'SONG_READY', toState: 'SONG_READY', step: 'submit_video', percent: 97 });
    event({ fromState: 'SONG_READY', toState: 'VIDEO_SUBMITTED', step: 'submit_video' });
    const submitted = { ...p, state: 'VIDEO_SUBMITTED' as const };
    expect((await progress.of(submitted)).percent).toBe(97);
    // a render that failed keeps where it got to
    const failed = { ...p, state: 'FAILED' as const, step: 'poll_video' as const };
    expect((await progress.of(failed)).percent).toBe(97);
  });

  it('says when a project waits on the day’s budget', async () => {
    const p = projects.add({ state: 'LYRICS_READY', nextRunAt: soon(), waitReason: 'budget' });
    expect((await progress.of(p)).waitingFor).toBe('budget');
  });

  it('reads each step’s typical duration once for many projects at once', async () => {
    projects.medians = { submit_song: 1000 };
    const ps = Array.from({ length: 5 }, () =>
      projects.add({ state: 'DRAFT', nextRunAt: new Date() }),
    );
    await Promise.all(ps.map((p) => progress.of(p)));
    // the six steps, once each
    expect(projects.medianReads).toBe(6);
  });

  it('takes the render’s report a row was read with instead of reading it again', async () => {
    const rendering = renderingNow();
    const failed = projects.add({ state: 'FAILED', step: 'poll_video' });
    // the log holds an older report: the rows' own reports are the ones that count
    for (const p of [rendering, failed])
      projects.events.push({
        projectId: p.id,
        fromState: 'SONG_READY',
        toState: 'SONG_READY',
        step: 'submit_video',
        percent: 40,
      } as Partial<ProjectEventEntity>);
    const asLog = jest.spyOn(projects, 'latestReportSince');
    const [a, b, c] = await progress.ofRows([
      { ...rendering, latestReportPercent: 64 },
      { ...failed, latestReportPercent: 97 },
      { ...rendering, latestReportPercent: null },
    ]);
    expect(a).toEqual({ percent: 64, etaSec: 30, waitingFor: 'scheduler' });
    expect(b).toEqual({ percent: 97, etaSec: null, waitingFor: null });
    // read with the row and none came in this run: the state's own percent
    expect(c.percent).toBe(30);
    expect(asLog).not.toHaveBeenCalled();
    // a row read without it (undefined): the log is asked, once
    expect((await progress.ofRows([rendering]))[0].percent).toBe(40);
    expect(asLog).toHaveBeenCalledTimes(1);
  });

  it('gives a page of rows the same progress as each row alone, reading each median once', async () => {
    projects.medians = { poll_song: 10_000 };
    const rows = [
      projects.add({ state: 'DRAFT', nextRunAt: new Date() }),
      projects.add({ state: 'LYRICS_READY', nextRunAt: null }),
      projects.add({ state: 'DONE' }),
      projects.add({ state: 'CANCELLED', step: 'submit_song' }),
    ];
    const together = await progress.ofRows(rows);
    expect(projects.medianReads).toBe(6);
    const alone = await Promise.all(
      rows.map((p) => new ProjectProgress(projects.asEvents(), projects.asHealth()).of(p)),
    );
    expect(together).toEqual(alone);
    expect(together[1]).toEqual({ percent: 6, etaSec: 70, waitingFor: 'owner' });
  });
});
