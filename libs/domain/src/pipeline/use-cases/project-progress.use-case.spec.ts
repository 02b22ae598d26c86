import { PROGRESS, ProjectState, TransitionCause } from '../project-state';
import { InMemoryProjects } from './pipeline-doubles';
import { ProjectProgress } from './project-progress.use-case';

describe('ProjectProgress', () => {
  let projects: InMemoryProjects;
  let progress: ProjectProgress;
  beforeEach(() => {
    projects = new InMemoryProjects();
    progress = new ProjectProgress(projects.asHealth());
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
    const q = new ProjectProgress(projects.asHealth());
    projects.medians = { poll_song: 10_000 };
    expect((await q.of(p)).etaSec).toBe(70);
  });

  it('counts what the running step has left from the progress it reported', async () => {
    const p = renderingNow();
    // the row as the step's report left it (ProjectEventRepository.recordProgress)
    p.reportPercent = 64;
    // half of submit_video's 50 s, then poll_video's 5 s
    expect(await progress.of(p)).toEqual({ percent: 64, etaSec: 30, waitingFor: 'scheduler' });
    // a lease that ran out: the step will run again in full, but the bar does not go back
    // until it does (its first report then says why)
    const stale = { ...p, leaseUntil: new Date(Date.now() - 1000) };
    expect(await progress.of(stale)).toMatchObject({ percent: 64, etaSec: 55 });
  });

  it('keeps the render’s percent once its submission moved the project on, and only this run’s', async () => {
    const p = projects.add({ state: 'SONG_READY', nextRunAt: new Date() });
    const move = async (from: ProjectState, to: ProjectState, cause: TransitionCause) =>
      expect(await projects.transition(p.id, { from, to, cause })).toBe(true);
    // a first render, done; then a re-render from the finished project
    p.reportPercent = 96;
    await move('SONG_READY', 'VIDEO_SUBMITTED', 'submit_video');
    await move('VIDEO_SUBMITTED', 'DONE', 'poll_video');
    await move('DONE', 'SONG_READY', 'remake_video');
    // the old render's 96 % is not this run's
    expect(p.reportPercent).toBeNull();
    expect((await progress.of(p)).percent).toBe(30);
    p.reportPercent = 58;
    expect((await progress.of(p)).percent).toBe(58);
    p.reportPercent = 97;
    await move('SONG_READY', 'VIDEO_SUBMITTED', 'submit_video');
    expect((await progress.of(p)).percent).toBe(97);
    // a render that failed keeps where it got to; its retry from the clip starts a new run
    await move('VIDEO_SUBMITTED', 'FAILED', 'fail');
    p.step = 'poll_video';
    expect((await progress.of(p)).percent).toBe(97);
    await move('FAILED', 'SONG_READY', 'retry');
    expect((await progress.of(p)).percent).toBe(30);
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

  it('reads no event to tell a rendering or failed render’s percent: the row holds it', async () => {
    const rendering = renderingNow();
    rendering.reportPercent = 64;
    const failed = projects.add({ state: 'FAILED', step: 'poll_video', reportPercent: 97 });
    const notYet = projects.add({ state: 'VIDEO_SUBMITTED', reportPercent: null });
    const asLog = jest.spyOn(projects, 'latestReportSince');
    const [a, b, c] = await progress.ofRows([rendering, failed, notYet]);
    expect(a).toEqual({ percent: 64, etaSec: 30, waitingFor: 'scheduler' });
    expect(b).toEqual({ percent: 97, etaSec: null, waitingFor: null });
    // no report in this run yet: the state's own percent
    expect(c.percent).toBe(PROGRESS.VIDEO_SUBMITTED);
    expect(asLog).not.toHaveBeenCalled();
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
      rows.map((p) => new ProjectProgress(projects.asHealth()).of(p)),
    );
    expect(together).toEqual(alone);
    expect(together[1]).toEqual({ percent: 6, etaSec: 70, waitingFor: 'owner' });
  });
});
