import { Injectable, Logger } from '@nestjs/common';
import { BlobContainer, BlobStore, isVideoTemplateId, VIDEO_TEMPLATE_IDS } from '@app/integrations';
import { BlobObjectRepository } from '../files/blob-object.repository';
import { Principal } from '../accounts/principal';
import { AppConfig } from '../config/app-config';
import { LyricSection, LyricsEntity, SongEntity, VideoEntity } from '../entities/content.entity';
import { ProjectEntity, ProjectOptions } from '../entities/project.entity';
import {
  ConflictError,
  InvalidInputError,
  NotFoundError,
  QuotaExceededError,
} from '../errors/domain-errors';
import { ownerOf } from '../stores/owner';
import { ContentRepository } from './content.repository';
import {
  OWNER_STOPS,
  PROGRESS,
  ProjectState,
  STEP_FOR_STATE,
  STEPS,
  StepName,
  TERMINAL_STATES,
} from './project-state';
import { DailyQuotaRepository } from './daily-quota.repository';
import { PipelineHealthRepository } from './pipeline-health.repository';
import { ProjectEventRepository } from './project-event.repository';
import { ProjectRepository } from './project.repository';
import { quotaWindow } from './quota-window';
import { UsageRepository } from './usage.repository';
import { DEFAULT_STEP_MS, fractionAt, percentDuring } from './step-progress';

export interface Progress {
  percent: number;
  /** seconds until DONE from recent step durations, when it can be told */
  etaSec: number | null;
  waitingFor: 'owner' | 'scheduler' | 'budget' | null;
}

/** The pipeline's use cases for people: create, follow, approve, pick, retry, cancel. */
@Injectable()
export class PipelineService {
  private readonly logger = new Logger(PipelineService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly projects: ProjectRepository,
    private readonly events: ProjectEventRepository,
    private readonly dailyQuota: DailyQuotaRepository,
    private readonly health: PipelineHealthRepository,
    private readonly content: ContentRepository,
    private readonly blob: BlobStore,
    private readonly files: BlobObjectRepository,
    private readonly usage: UsageRepository,
  ) {}

  async create(
    by: Principal,
    input: { storeId: string; autopilot: boolean; options: ProjectOptions },
  ): Promise<ProjectEntity> {
    const limit = this.config.pipeline.projectsPerDay;
    const { day, resetsAt } = quotaWindow(new Date());
    const made = await this.dailyQuota.createWithinQuota(
      { owner: ownerOf(by), ...input },
      { day, limit },
    );
    // a store that is not the caller's is 404 whatever the quota
    if (made.kind === 'no_store') throw new NotFoundError(`store ${input.storeId} not found`);
    if (made.kind === 'over_quota')
      throw new QuotaExceededError(
        `daily limit of ${limit} new projects reached; it resets at ${resetsAt.toISOString()}`,
        resetsAt,
      );
    return made.project;
  }

  async get(by: Principal, id: string): Promise<ProjectEntity> {
    const p = await this.projects.findOwned(id, ownerOf(by));
    if (!p) throw new NotFoundError(`project ${id} not found`);
    return p;
  }

  list(
    by: Principal,
    opts: { limit: number; states?: string[]; after?: { createdAt: Date; id: string } },
  ) {
    return this.projects.listOwned(ownerOf(by), opts);
  }

  async progress(p: ProjectEntity): Promise<Progress> {
    const state = p.state;
    const waitingFor =
      OWNER_STOPS[state] && !p.nextRunAt
        ? 'owner'
        : TERMINAL_STATES.includes(state) || state === 'FAILED'
          ? null
          : p.waitReason === 'budget'
            ? 'budget'
            : 'scheduler';
    if (state === 'DONE') return { percent: 100, etaSec: 0, waitingFor: null };
    if (state === 'FAILED' || state === 'CANCELLED')
      return {
        percent: PROGRESS[(p.step && STEPS[p.step as StepName]?.from) || 'DRAFT'],
        etaSec: null,
        waitingFor,
      };
    const { step, fraction } = await this.runningStep(p);
    // the steps still to run, the running one for what it has left; a step never timed here
    // yet counts its default, so the ETA is an estimate from the first step on, never unknown
    let etaMs = 0;
    for (const [name, s] of Object.entries(STEPS) as [StepName, (typeof STEPS)[StepName]][]) {
      if (PROGRESS[s.from] < PROGRESS[state]) continue;
      const ms = (await this.typicalStepMs(name)) ?? DEFAULT_STEP_MS[name];
      etaMs += name === step ? ms * (1 - fraction) : ms;
    }
    return {
      percent: step ? percentDuring(step, fraction) : PROGRESS[state],
      etaSec: Math.round(etaMs / 1000),
      waitingFor,
    };
  }

  /** The step running now (its lease held) and how far it reported, 0 when it did not. */
  private async runningStep(p: ProjectEntity): Promise<{ step?: StepName; fraction: number }> {
    const step = STEP_FOR_STATE[p.state as ProjectState];
    if (!step || !p.leaseOwner || !p.leaseUntil || p.leaseUntil.getTime() < Date.now())
      return { step, fraction: 0 };
    const last = await this.events.latestEvent(p.id);
    const reported = last?.percent != null && last.toState === p.state && last.step === step;
    return { step, fraction: reported ? fractionAt(step, last.percent!) : 0 };
  }

  /**
   * Medians move slowly: each is read at most once a minute per process, not per project per
   * request, and once for all the requests that need it at the same moment.
   */
  private readonly stepMedians = new Map<string, { ms: Promise<number | null>; until: number }>();

  private typicalStepMs(step: string): Promise<number | null> {
    const hit = this.stepMedians.get(step);
    if (hit && hit.until > Date.now()) return hit.ms;
    const entry = { ms: this.health.typicalStepMs(step), until: Infinity };
    this.stepMedians.set(step, entry);
    entry.ms.then(
      // an unknown duration is asked again soon: the first finished projects make it known
      (ms) => (entry.until = Date.now() + (ms === null ? 2_000 : 60_000)),
      () => this.stepMedians.get(step) === entry && this.stepMedians.delete(step),
    );
    return entry.ms;
  }

  async lyricsVersions(by: Principal, id: string): Promise<LyricsEntity[]> {
    await this.get(by, id);
    return this.content.lyricsVersions(id);
  }

  /** The owner's edit becomes a new version (kept, approvable) while the lyrics await review. */
  async editLyrics(
    by: Principal,
    id: string,
    draft: { title: string; sections: LyricSection[] },
  ): Promise<LyricsEntity> {
    const p = await this.get(by, id);
    if (p.state !== 'LYRICS_READY')
      throw new ConflictError(
        `lyrics can be edited while the project is LYRICS_READY (it is ${p.state})`,
      );
    const added = await this.content.addLyrics(id, { ...draft, source: 'edited' }, false);
    return (await this.content.lyrics(added))!;
  }

  async approveLyrics(by: Principal, id: string, version?: number): Promise<ProjectEntity> {
    const p = await this.get(by, id);
    if (p.state !== 'LYRICS_READY')
      throw new ConflictError(
        `lyrics can be approved while the project is LYRICS_READY (it is ${p.state})`,
      );
    const versions = await this.content.lyricsVersions(id);
    const chosen =
      version === undefined
        ? versions[versions.length - 1]
        : versions.find((v) => v.version === version);
    if (!chosen) throw new NotFoundError(`lyrics version ${version} not found`);
    await this.content.approveLyrics(chosen.id);
    await this.projects.updateIfState(id, 'LYRICS_READY', { nextRunAt: new Date() });
    return this.refreshed(id);
  }

  /** Writes new lyrics (with the owner's hints) instead of the current ones. */
  async regenerateLyrics(by: Principal, id: string, hints?: string): Promise<ProjectEntity> {
    const p = await this.get(by, id);
    if (p.state !== 'LYRICS_READY' && p.state !== 'STORE_READY')
      throw new ConflictError(
        `lyrics can be regenerated before the song is made (the project is ${p.state})`,
      );
    if (p.state === 'LYRICS_READY') {
      const ok = await this.projects.transition(id, {
        from: 'LYRICS_READY',
        to: 'STORE_READY',
        cause: 'regenerate_lyrics',
        patch: {
          step: 'write_lyrics',
          stepAttempts: 0,
          // a new generation gets a new key: new lyrics even when the hints are the same
          retries: p.retries + 1,
          nextRunAt: new Date(),
          options: { ...p.options, lyricHints: hints },
        },
      });
      if (!ok) throw new ConflictError('the project moved on meanwhile');
    }
    return this.refreshed(id);
  }

  async clips(by: Principal, id: string): Promise<SongEntity[]> {
    await this.get(by, id);
    return this.content.clips(id);
  }

  async selectClip(by: Principal, id: string, songId: string): Promise<ProjectEntity> {
    const p = await this.get(by, id);
    if (p.state !== 'SONG_READY')
      throw new ConflictError(
        `a clip can be picked while the project is SONG_READY (it is ${p.state})`,
      );
    if (!(await this.content.selectClip(id, songId)))
      throw new NotFoundError(`clip ${songId} not found in this project`);
    await this.projects.updateIfState(id, 'SONG_READY', { nextRunAt: new Date() });
    return this.refreshed(id);
  }

  /**
   * Song: made from the approved lyrics (it starts when they are approved); asked again while
   * the clips await a pick, it makes two new ones. A remake gets new idempotency keys.
   */
  async makeSong(by: Principal, id: string): Promise<ProjectEntity> {
    const p = await this.get(by, id);
    if (p.state === 'LYRICS_READY') {
      if (!(await this.content.approvedLyrics(id)))
        throw new ConflictError('approve the lyrics first (POST /v1/projects/{id}/lyrics/approve)');
      await this.projects.updateIfState(id, 'LYRICS_READY', { nextRunAt: new Date() });
      return this.refreshed(id);
    }
    if (p.state !== 'SONG_READY')
      throw new ConflictError(
        `a song can be made while the project is LYRICS_READY or SONG_READY (it is ${p.state})`,
      );
    const ok = await this.projects.transition(id, {
      from: 'SONG_READY',
      to: 'LYRICS_READY',
      cause: 'remake_song',
      patch: {
        step: 'submit_song',
        stepAttempts: 0,
        retries: p.retries + 1,
        nextRunAt: new Date(),
      },
    });
    if (!ok) throw new ConflictError('the project moved on meanwhile');
    return this.refreshed(id);
  }

  /**
   * Video: rendered from the picked clip, with the engine and template asked for; asked again
   * once DONE, it renders anew (the current video stays until the new one is ready).
   */
  async makeVideo(
    by: Principal,
    id: string,
    choice: { engine?: 'ffmpeg' | 'creatomate'; templateId?: string },
  ): Promise<ProjectEntity> {
    const p = await this.get(by, id);
    if (choice.engine === 'creatomate' && this.config.integrations.video.engine !== 'creatomate')
      throw new ConflictError(
        'the Creatomate engine is not configured on this server (VIDEO_ENGINE=creatomate)',
      );
    // the FFmpeg renderer's looks are ours, so an unknown one is a mistake to report; a
    // Creatomate template id is the provider's to check
    if (
      choice.templateId &&
      (choice.engine ?? this.config.integrations.video.engine) === 'ffmpeg' &&
      !isVideoTemplateId(choice.templateId)
    )
      throw new InvalidInputError(
        `templateId "${choice.templateId}" is not a look of the FFmpeg renderer: use ${VIDEO_TEMPLATE_IDS.join(', ')}`,
        { field: 'templateId' },
      );
    const options = {
      ...p.options,
      ...(choice.engine ? { videoEngine: choice.engine } : {}),
      ...(choice.templateId ? { templateId: choice.templateId } : {}),
    };
    if (!(await this.content.clips(id)).some((c) => c.selected))
      throw new ConflictError('pick a clip first (POST /v1/projects/{id}/song/select)');
    if (p.state === 'SONG_READY') {
      await this.projects.updateIfState(id, 'SONG_READY', { options, nextRunAt: new Date() });
      return this.refreshed(id);
    }
    if (p.state !== 'DONE')
      throw new ConflictError(
        `a video can be made while the project is SONG_READY or DONE (it is ${p.state})`,
      );
    const ok = await this.projects.transition(id, {
      from: 'DONE',
      to: 'SONG_READY',
      cause: 'remake_video',
      patch: {
        step: 'submit_video',
        stepAttempts: 0,
        retries: p.retries + 1,
        options,
        nextRunAt: new Date(),
      },
    });
    if (!ok) throw new ConflictError('the project moved on meanwhile');
    return this.refreshed(id);
  }

  async video(by: Principal, id: string): Promise<VideoEntity> {
    await this.get(by, id);
    const v = await this.content.video(id);
    if (!v) throw new NotFoundError('this project has no video yet');
    return v;
  }

  /** Resumes a FAILED project from the step that failed (a failed provider task is submitted anew). */
  async retry(by: Principal | 'admin', id: string): Promise<ProjectEntity> {
    const p = by === 'admin' ? await this.projects.findById(id) : await this.get(by, id);
    if (!p) throw new NotFoundError(`project ${id} not found`);
    if (p.state !== 'FAILED')
      throw new ConflictError(`only a FAILED project can be retried (it is ${p.state})`);
    const step = (p.step as StepName) ?? 'prepare_store';
    // a failed render is not polled again: its submission is redone. A song task is read
    // again first: when only its files expired, it hands out fresh URLs without a new
    // payment; when the task itself failed or is gone, poll_song generates anew.
    const resume: StepName =
      step === 'poll_song' && !p.songTaskId
        ? 'submit_song'
        : step === 'poll_video'
          ? 'submit_video'
          : step;
    const to = STEPS[resume].from;
    const ok = await this.projects.transition(id, {
      from: 'FAILED',
      to,
      cause: 'retry',
      patch: {
        step: resume,
        stepAttempts: 0,
        retries: p.retries + 1,
        nextRunAt: new Date(),
        lastError: null,
        pendingSubmissionKey: null,
        pendingSubmissionAt: null,
        ...(resume === 'submit_song' ? { songTaskId: null } : {}),
        ...(resume === 'submit_video' ? { videoTaskId: null } : {}),
      },
    });
    if (!ok) throw new ConflictError('the project changed meanwhile');
    return this.refreshed(id);
  }

  /** Stops a project; a provider task in flight is abandoned (never submitted again). */
  async cancel(by: Principal | 'admin', id: string): Promise<ProjectEntity> {
    const p = by === 'admin' ? await this.projects.findById(id) : await this.get(by, id);
    if (!p) throw new NotFoundError(`project ${id} not found`);
    if (TERMINAL_STATES.includes(p.state))
      throw new ConflictError(`the project is already ${p.state}`);
    const ok = await this.projects.transition(id, {
      from: p.state,
      to: 'CANCELLED',
      cause: 'cancel',
      patch: { nextRunAt: null, leaseOwner: null, leaseUntil: null },
    });
    if (!ok) throw new ConflictError('the project changed meanwhile; try again');
    return this.refreshed(id);
  }

  /**
   * A provider's callback: the per-project token is checked, then it only brings the poll
   * forward — or, after a crash lost the submission's answer, tells us the task id.
   */
  async providerCallback(
    provider: 'suno' | 'creatomate',
    id: string,
    token: string,
    key: string | undefined,
    taskId: string | undefined,
  ): Promise<void> {
    const p = await this.projects.findById(id);
    if (!p || !safeEqual(p.callbackToken, token)) throw new NotFoundError('unknown callback');
    const submitted: ProjectState = provider === 'suno' ? 'SONG_SUBMITTED' : 'VIDEO_SUBMITTED';
    const before: ProjectState = provider === 'suno' ? 'LYRICS_READY' : 'SONG_READY';
    if (p.state === before && key && p.pendingSubmissionKey === key && taskId) {
      const field = provider === 'suno' ? { songTaskId: taskId } : { videoTaskId: taskId };
      const adopted = await this.projects.transition(id, {
        from: before,
        to: submitted,
        cause: provider === 'suno' ? 'submit_song' : 'submit_video',
        patch: {
          ...field,
          step: STEP_FOR_STATE[submitted],
          stepAttempts: 0,
          pendingSubmissionKey: null,
          pendingSubmissionAt: null,
          nextRunAt: new Date(),
          leaseOwner: null,
          leaseUntil: null,
        },
        message: 'task id recovered from the provider callback',
      });
      // the submission's answer was lost, not its charge: metered now, under the provider
      if (adopted) await this.meterRecovered(p, provider, key);
      return;
    }
    await this.projects.pollSoon(id, [submitted]);
  }

  /**
   * A paid task adopted from a callback. A Creatomate render is billed by its length, which
   * the callback does not carry: the length the submission asked for (the jingle length plus
   * the one-second tail submitVideo adds) stands in for it.
   */
  private meterRecovered(p: ProjectEntity, provider: 'suno' | 'creatomate', key: string) {
    const units = provider === 'suno' ? 1 : Math.max(p.options.lengthSec ?? 30, 15) + 1;
    return this.usage.record({
      projectId: p.id,
      userId: p.ownerUserId,
      provider,
      operation: provider === 'suno' ? 'submit_song' : 'submit_video',
      unit: provider === 'suno' ? 'song' : 'render_second',
      units,
      idempotencyKey: key,
    });
  }

  /**
   * Ops: put projects back in the scheduler's hands. FAILED ones resume from their failed
   * step (as a retry); live ones lose any stale lease and are due now; finished ones are left.
   */
  async requeue(
    filter: { ids?: string[]; state?: string; since?: Date },
    dryRun: boolean,
  ): Promise<{ id: string; state: string; action: 'retry' | 'wake' | 'skip' }[]> {
    const rows = await this.projects.matching(filter);
    const plan = rows.map((p) => ({
      id: p.id,
      state: p.state,
      action:
        p.state === 'FAILED'
          ? ('retry' as const)
          : TERMINAL_STATES.includes(p.state)
            ? ('skip' as const)
            : ('wake' as const),
    }));
    if (dryRun) return plan;
    for (const item of plan) {
      if (item.action === 'retry') await this.retry('admin', item.id);
      if (item.action === 'wake')
        await this.projects.updateIfState(item.id, item.state, {
          nextRunAt: new Date(),
          leaseOwner: null,
          leaseUntil: null,
        });
    }
    return plan;
  }

  async remove(by: Principal, id: string): Promise<void> {
    const p = await this.get(by, id);
    if (!TERMINAL_STATES.includes(p.state) && p.state !== 'FAILED')
      throw new ConflictError('cancel the project before deleting it');
    const clips = await this.content.clips(id);
    const video = await this.content.video(id);
    const blobs: [BlobContainer, string][] = [
      ...clips.map((c) => ['audio', c.blobKey] as [BlobContainer, string]),
      ...(video
        ? ([
            ['video', video.blobKey],
            ...(video.thumbnailBlobKey ? [['thumbnails', video.thumbnailBlobKey]] : []),
          ] as [BlobContainer, string][])
        : []),
    ];
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

  private async refreshed(id: string): Promise<ProjectEntity> {
    return (await this.projects.findById(id))!;
  }
}

function safeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return d === 0;
}
