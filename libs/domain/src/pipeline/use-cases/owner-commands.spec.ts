import { AppConfig } from '../../config/app-config';
import { ConflictError, InvalidInputError, NotFoundError } from '../../errors/domain-errors';
import { presentedProject } from '../presented-state';
import { ProjectState, STEP_FOR_STATE } from '../project-state';
import { ApproveLyrics } from './approve-lyrics.use-case';
import { CancelProject, RERENDER_CANCELLED } from './cancel-project.use-case';
import { EditLyrics } from './edit-lyrics.use-case';
import { MakeSong } from './make-song.use-case';
import { MakeVideo } from './make-video.use-case';
import { InMemoryContent, InMemoryProjects, OWNER, STRANGER } from './pipeline-doubles';
import { RegenerateLyrics } from './regenerate-lyrics.use-case';
import { RetryProject } from './retry-project.use-case';
import { SelectClip } from './select-clip.use-case';

const draft = { title: '서면 분식', sections: [{ name: 'verse' as const, lines: ['떡볶이'] }] };

describe("the owner's commands", () => {
  let projects: InMemoryProjects;
  let content: InMemoryContent;
  const at = (state: ProjectState, fields = {}) => projects.add({ state, ...fields });
  beforeEach(() => {
    projects = new InMemoryProjects();
    content = new InMemoryContent();
  });

  describe('on lyrics', () => {
    const edit = () => new EditLyrics(projects.asRepository(), content.asRepository());
    const approve = () => new ApproveLyrics(projects.asRepository(), content.asRepository());
    const regenerate = () => new RegenerateLyrics(projects.asRepository());

    it('keeps an edit as a new version, only while the lyrics await review', async () => {
      const p = at('LYRICS_READY');
      await content.addLyrics(p.id, { ...draft, source: 'template' }, false);
      const v2 = await edit().execute(OWNER, p.id, draft);
      expect(v2).toMatchObject({ version: 2, source: 'edited', approvedAt: null });
      const later = at('SONG_READY');
      await expect(edit().execute(OWNER, later.id, draft)).rejects.toBeInstanceOf(ConflictError);
    });

    it('approves the latest version by default, or the one named, and lets the song start', async () => {
      const p = at('LYRICS_READY');
      await content.addLyrics(p.id, { ...draft, source: 'template' }, false);
      await content.addLyrics(p.id, { ...draft, source: 'edited' }, false);
      const after = await approve().execute(OWNER, p.id);
      expect(after.nextRunAt).not.toBeNull();
      expect((await content.approvedLyrics(p.id))?.version).toBe(2);
      await expect(approve().execute(OWNER, p.id, 7)).rejects.toBeInstanceOf(NotFoundError);
      await expect(approve().execute(OWNER, at('DRAFT').id)).rejects.toBeInstanceOf(ConflictError);
    });

    it('writes new lyrics with the hints under a new key, before the song only', async () => {
      const p = at('LYRICS_READY', { retries: 1, options: { mood: 'calm' } });
      const after = await regenerate().execute(OWNER, p.id, '더 신나게');
      expect(after).toMatchObject({
        state: 'STORE_READY',
        step: 'write_lyrics',
        retries: 2,
        options: { mood: 'calm', lyricHints: '더 신나게' },
      });
      await expect(regenerate().execute(OWNER, at('SONG_READY').id)).rejects.toBeInstanceOf(
        ConflictError,
      );
    });
  });

  describe('on the song', () => {
    const select = () => new SelectClip(projects.asRepository(), content.asRepository());
    const makeSong = () => new MakeSong(projects.asRepository(), content.asRepository());

    it('picks a clip of this project only, while the clips await a pick', async () => {
      const p = at('SONG_READY');
      const [a, b] = [content.addClip(p.id), content.addClip(p.id)];
      await select().execute(OWNER, p.id, b.id);
      expect((await content.clips(p.id)).map((c) => c.selected)).toEqual([false, true]);
      const other = content.addClip(at('SONG_READY').id);
      await expect(select().execute(OWNER, p.id, other.id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(select().execute(OWNER, at('DONE').id, a.id)).rejects.toBeInstanceOf(
        ConflictError,
      );
    });

    it('keeps the clip a running render was started with: another pick waits until it is done', async () => {
      const p = at('SONG_READY', { leaseOwner: 'scheduler-1', nextRunAt: null });
      const [a, b] = [content.addClip(p.id, { selected: true }), content.addClip(p.id)];
      await expect(select().execute(OWNER, p.id, b.id)).rejects.toThrow(
        `the clip cannot change while the video is being made (it is SONG_READY, rendering); once it is done, make a new video (POST /v1/projects/${p.id}/video)`,
      );
      expect((await content.clips(p.id)).map((c) => c.selected)).toEqual([true, false]);
      // due but not started: the pick is taken
      const due = at('SONG_READY', { nextRunAt: new Date() });
      const [, d] = [content.addClip(due.id, { selected: true }), content.addClip(due.id)];
      await select().execute(OWNER, due.id, d.id);
      expect((await content.clips(due.id)).map((c) => c.selected)).toEqual([false, true]);
      expect(a.id).not.toBe(b.id);
    });

    it('makes the song from approved lyrics only, and remakes it as new clips', async () => {
      const p = at('LYRICS_READY');
      await content.addLyrics(p.id, { ...draft, source: 'template' }, false);
      await expect(makeSong().execute(OWNER, p.id)).rejects.toThrow(/approve the lyrics first/);
      await content.addLyrics(p.id, { ...draft, source: 'edited' }, true);
      expect((await makeSong().execute(OWNER, p.id)).nextRunAt).not.toBeNull();
      const ready = at('SONG_READY', { retries: 0 });
      expect(await makeSong().execute(OWNER, ready.id)).toMatchObject({
        state: 'LYRICS_READY',
        step: 'submit_song',
        retries: 1,
      });
      await expect(makeSong().execute(OWNER, at('VIDEO_SUBMITTED').id)).rejects.toBeInstanceOf(
        ConflictError,
      );
    });
  });

  describe('on the video', () => {
    const withEngine = (engine: string) =>
      new MakeVideo(
        { integrations: { video: { engine } } } as unknown as AppConfig,
        projects.asRepository(),
        content.asRepository(),
      );
    const picked = (state: ProjectState) => {
      const p = at(state);
      content.addClip(p.id, { selected: true });
      return p;
    };

    it('renders with the engine and look asked for, and renders again once DONE', async () => {
      const p = picked('SONG_READY');
      const after = await withEngine('ffmpeg').execute(OWNER, p.id, { templateId: 'bold' });
      expect(after.options.templateId).toBe('bold');
      expect(after.nextRunAt).not.toBeNull();
      const done = picked('DONE');
      expect(
        await withEngine('creatomate').execute(OWNER, done.id, { engine: 'creatomate' }),
      ).toMatchObject({
        state: 'SONG_READY',
        step: 'submit_video',
        rerendering: true,
        options: { videoEngine: 'creatomate' },
      });
    });

    it('keeps the look a running render was started with, first render or re-render', async () => {
      for (const rerendering of [false, true]) {
        const p = picked('SONG_READY');
        await projects.updateIfState(p.id, 'SONG_READY', {
          leaseOwner: 'scheduler-1',
          rerendering,
        });
        await expect(
          withEngine('ffmpeg').execute(OWNER, p.id, { templateId: 'bold' }),
        ).rejects.toThrow(
          `the engine and look cannot change while the video is being made (it is ${rerendering ? 'DONE, re-rendering' : 'SONG_READY, rendering'})`,
        );
        expect((await projects.findById(p.id))!.options.templateId).not.toBe('bold');
      }
    });

    it('refuses what this server cannot do: an engine not configured, an unknown local look', async () => {
      const p = picked('SONG_READY');
      await expect(
        withEngine('ffmpeg').execute(OWNER, p.id, { engine: 'creatomate' }),
      ).rejects.toThrow('the Creatomate engine is not configured on this server');
      await expect(
        withEngine('creatomate').execute(OWNER, p.id, { engine: 'ffmpeg', templateId: 'nope' }),
      ).rejects.toBeInstanceOf(InvalidInputError);
      // a provider's template id is the provider's to check
      await expect(
        withEngine('creatomate').execute(OWNER, p.id, { templateId: 'tpl-123' }),
      ).resolves.toMatchObject({ options: { templateId: 'tpl-123' } });
    });

    it('needs a picked clip, and the project at SONG_READY or DONE', async () => {
      const none = at('SONG_READY');
      await expect(withEngine('ffmpeg').execute(OWNER, none.id, {})).rejects.toThrow(
        /pick a clip first/,
      );
      await expect(
        withEngine('ffmpeg').execute(OWNER, picked('VIDEO_SUBMITTED').id, {}),
      ).rejects.toBeInstanceOf(ConflictError);
    });
  });

  describe('retry and cancel', () => {
    const retry = () => new RetryProject(projects.asRepository());
    const cancel = () => new CancelProject(projects.asRepository());

    it('resumes a FAILED project from the failed step, a render from its submission', async () => {
      const lyrics = at('FAILED', { step: 'write_lyrics', lastError: 'x' });
      expect(await retry().execute(OWNER, lyrics.id)).toMatchObject({
        state: 'STORE_READY',
        step: 'write_lyrics',
        lastError: null,
        retries: 1,
      });
      const render = at('FAILED', { step: 'poll_video', videoTaskId: 'r-1' });
      expect(await retry().execute(OWNER, render.id)).toMatchObject({
        state: 'SONG_READY',
        step: 'submit_video',
        videoTaskId: null,
      });
      // a song task that is known is read again (its files may only have expired)
      const song = at('FAILED', { step: 'poll_song', songTaskId: 's-1' });
      expect(await retry().execute(OWNER, song.id)).toMatchObject({
        step: 'poll_song',
        songTaskId: 's-1',
      });
      const lost = at('FAILED', { step: 'poll_song', songTaskId: null });
      expect((await retry().execute(OWNER, lost.id)).step).toBe('submit_song');
    });

    it('retries only FAILED projects; ops may retry anyone’s, a stranger none', async () => {
      await expect(retry().execute(OWNER, at('DONE').id)).rejects.toBeInstanceOf(ConflictError);
      const failed = at('FAILED', { step: 'prepare_store' });
      await expect(retry().execute(STRANGER, failed.id)).rejects.toBeInstanceOf(NotFoundError);
      expect((await retry().execute('admin', failed.id)).state).toBe('DRAFT');
    });

    it('cancels a live project and drops its lease, never a finished one', async () => {
      const live = at('VIDEO_SUBMITTED', {
        leaseOwner: 'w',
        leaseUntil: new Date(),
        nextRunAt: new Date(),
      });
      expect(await cancel().execute(OWNER, live.id)).toMatchObject({
        state: 'CANCELLED',
        nextRunAt: null,
        leaseOwner: null,
      });
      await expect(cancel().execute(OWNER, live.id)).rejects.toThrow(
        'the project is already CANCELLED',
      );
      await expect(cancel().execute(STRANGER, at('DRAFT').id)).rejects.toBeInstanceOf(
        NotFoundError,
      );
      expect((await cancel().execute('admin', at('DRAFT').id)).state).toBe('CANCELLED');
    });

    it('stops a re-render, running or failed, back to DONE with the video it had', async () => {
      for (const state of ['SONG_READY', 'VIDEO_SUBMITTED', 'FAILED'] as const) {
        const p = at(state, {
          rerendering: true,
          step: state === 'FAILED' ? 'submit_video' : STEP_FOR_STATE[state],
          leaseOwner: 'w',
          leaseUntil: new Date(),
          nextRunAt: new Date(),
          lastError: 'ffmpeg exited with code 1',
          pendingSubmissionKey: 'k',
          pendingSubmissionAt: new Date(),
        });
        const after = await cancel().execute(OWNER, p.id);
        expect(after).toMatchObject({
          state: 'DONE',
          rerendering: false,
          step: null,
          lastError: null,
          nextRunAt: null,
          leaseOwner: null,
          pendingSubmissionKey: null,
        });
        expect(presentedProject(after)).toEqual({ state: 'DONE', subState: null });
        expect(projects.events.at(-1)).toMatchObject({
          fromState: state,
          toState: 'DONE',
          step: 'cancel',
          message: RERENDER_CANCELLED,
        });
      }
      // a first render has no video to go back to: it is cancelled
      expect((await cancel().execute(OWNER, at('VIDEO_SUBMITTED').id)).state).toBe('CANCELLED');
    });

    it('keeps a failed re-render a re-render: its retry shows DONE, re-rendering', async () => {
      const done = at('DONE');
      content.addClip(done.id, { selected: true });
      const config = { integrations: { video: { engine: 'ffmpeg' } } } as unknown as AppConfig;
      await new MakeVideo(config, projects.asRepository(), content.asRepository()).execute(
        OWNER,
        done.id,
        { templateId: 'bold' },
      );
      // the render fails for good
      await projects.transition(done.id, { from: 'SONG_READY', to: 'FAILED', cause: 'fail' });
      const failed = (await projects.findById(done.id))!;
      expect(failed.rerendering).toBe(true);
      expect(presentedProject(failed)).toEqual({ state: 'FAILED', subState: null });

      const retried = await retry().execute(OWNER, done.id);
      expect(retried).toMatchObject({ state: 'SONG_READY', rerendering: true });
      expect(presentedProject(retried)).toEqual({ state: 'DONE', subState: 're-rendering' });
      // refusals name the state as the owner sees it, not the step the render is in
      await expect(retry().execute(OWNER, done.id)).rejects.toThrow(
        'only a FAILED project can be retried (it is DONE, re-rendering)',
      );
      // the new video saved: the re-render is over
      await projects.transition(done.id, {
        from: 'SONG_READY',
        to: 'VIDEO_SUBMITTED',
        cause: 'submit_video',
      });
      await projects.transition(done.id, {
        from: 'VIDEO_SUBMITTED',
        to: 'DONE',
        cause: 'poll_video',
      });
      expect((await projects.findById(done.id))!.rerendering).toBe(false);
    });

    it('cancels from where the project is now when the scheduler moved it meanwhile', async () => {
      const moving = at('STORE_READY');
      const repo = projects.asRepository();
      const transition = repo.transition.bind(repo);
      let moved = false;
      // the scheduler's step lands between the cancel's read and its transition, once
      repo.transition = async (id, t) => {
        if (!moved && t.cause === 'cancel') {
          moved = true;
          await transition(id, { from: 'STORE_READY', to: 'LYRICS_READY', cause: 'write_lyrics' });
        }
        return transition(id, t);
      };
      expect((await new CancelProject(repo).execute(OWNER, moving.id)).state).toBe('CANCELLED');
    });
  });

  it("hides another's project as not found from every command", async () => {
    const p = at('LYRICS_READY');
    const deps = [projects.asRepository(), content.asRepository()] as const;
    for (const run of [
      () => new EditLyrics(...deps).execute(STRANGER, p.id, draft),
      () => new ApproveLyrics(...deps).execute(STRANGER, p.id),
      () => new RegenerateLyrics(deps[0]).execute(STRANGER, p.id),
      () => new MakeSong(...deps).execute(STRANGER, p.id),
      () => new SelectClip(...deps).execute(STRANGER, p.id, 'x'),
    ])
      await expect(run()).rejects.toBeInstanceOf(NotFoundError);
  });
});
