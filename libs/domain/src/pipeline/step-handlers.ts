import { Injectable, Logger } from '@nestjs/common';
import {
  BlobContainer,
  BlobStore,
  FfmpegVideoRenderer,
  LyricsEngine,
  ProviderError,
  ProviderNotFoundError,
  SongClip,
  SongEngine,
  Usage,
  VideoRenderer,
} from '@app/integrations';
import { videoFallbacks } from '../metrics/metrics';
import { ProjectEntity } from '../entities/project.entity';
import { AppConfig } from '../config/app-config';
import { StoreEntity } from '../entities/store.entity';
import { VideoEntity } from '../entities/content.entity';
import { StoreRepository } from '../stores/store.repository';
import { ContentRepository } from './content.repository';
import { copyIntoBlob } from './media-copy';
import { ProjectState, StepName } from './project-state';
import { StepContext, StepFailedError, StepOutcome } from './step-context';
import { quotaWindow } from './quota-window';
import { UsageRepository } from './usage.repository';
import { ProjectEventRepository } from './project-event.repository';
import { BlobObjectRepository, TrackedFile } from '../files/blob-object.repository';
import { percentDuring, StepProgressReporter } from './step-progress';

const STORE_GONE = 'the project’s store no longer exists';
const now = () => new Date();
const later = (ms: number) => new Date(Date.now() + ms);

/**
 * One handler per automatic step (the Record type makes a missing or extra one a compile
 * error). Handlers call the ports and say where the project goes next; the StepRunner
 * writes it, retries and fails.
 */
@Injectable()
export class StepHandlers {
  private readonly logger = new Logger(StepHandlers.name);

  constructor(
    private readonly config: AppConfig,
    private readonly stores: StoreRepository,
    private readonly content: ContentRepository,
    private readonly usage: UsageRepository,
    private readonly lyricsEngine: LyricsEngine,
    private readonly songEngine: SongEngine,
    private readonly videoRenderer: VideoRenderer,
    private readonly ffmpegRenderer: FfmpegVideoRenderer,
    private readonly blob: BlobStore,
    private readonly files: BlobObjectRepository,
    private readonly events: ProjectEventRepository,
  ) {}

  readonly handlers: Record<StepName, (ctx: StepContext) => Promise<StepOutcome>> = {
    prepare_store: (ctx) => this.prepareStore(ctx),
    write_lyrics: (ctx) => this.writeLyrics(ctx),
    submit_song: (ctx) => this.submitSong(ctx),
    poll_song: (ctx) => this.pollSong(ctx),
    submit_video: (ctx) => this.submitVideo(ctx),
    poll_video: (ctx) => this.pollVideo(ctx),
  };

  private async store(storeId: string): Promise<StoreEntity> {
    const s = await this.stores.findById(storeId);
    if (!s) throw new StepFailedError(STORE_GONE);
    return s;
  }

  private async prepareStore(ctx: StepContext): Promise<StepOutcome> {
    const s = await this.store(ctx.project.storeId);
    if (!s.name.trim()) throw new StepFailedError('the store has no name');
    return { kind: 'advance', to: 'STORE_READY', nextRunAt: now() };
  }

  private async writeLyrics(ctx: StepContext): Promise<StepOutcome> {
    const p = ctx.project;
    const s = await this.store(p.storeId);
    const o = p.options;
    const { lyrics, usage } = await this.meteredOnFailure(
      ctx,
      this.lyricsEngine.name,
      'write_lyrics',
      () =>
        this.lyricsEngine.write(
          {
            store: s,
            mood: o.mood ?? 'bright',
            genre: o.genre ?? 'pop',
            keywords: o.keywords ?? [],
            hints: o.lyricHints,
            lengthSec: o.lengthSec ?? 30,
          },
          ctx.idempotencyKey,
        ),
    );
    await this.content.addLyrics(
      p.id,
      { ...lyrics, source: this.lyricsEngine.source },
      p.autopilot,
    );
    await this.meter(ctx, 'lyrics', this.lyricsEngine.name, 'write_lyrics', usage);
    // autopilot runs straight on; otherwise the owner reviews and approves
    return { kind: 'advance', to: 'LYRICS_READY', nextRunAt: p.autopilot ? now() : null };
  }

  private async submitSong(ctx: StepContext): Promise<StepOutcome> {
    const p = ctx.project;
    const lyrics = await this.content.approvedLyrics(p.id);
    if (!lyrics) return { kind: 'wait', nextRunAt: later(60_000), patch: { nextRunAt: null } };
    const recovered = this.recoverSubmission(ctx, this.songEngine.dedupesByKey);
    if (recovered) return recovered;
    const overBudget = await this.budgetSpent(this.songEngine.name);
    if (overBudget) return overBudget;
    const key = p.pendingSubmissionKey ?? ctx.idempotencyKey;
    await ctx.markSubmitting(key);
    const o = p.options;
    const { taskId, usage } = await this.songEngine.submit(
      {
        title: lyrics.title,
        lyrics,
        mood: o.mood ?? 'bright',
        genre: o.genre ?? 'pop',
        lengthSec: o.lengthSec ?? 30,
        callbackUrl: this.callbackUrl('suno', p.id, p.callbackToken, key),
      },
      key,
      ctx.signal,
    );
    await this.meter(ctx, 'song', this.songEngine.name, 'submit_song', usage);
    return {
      kind: 'advance',
      to: 'SONG_SUBMITTED',
      patch: { songTaskId: taskId, pendingSubmissionKey: null, pendingSubmissionAt: null },
      nextRunAt: later(this.songEngine.readyWhenSubmitted ? 0 : this.config.pipeline.songPollMs),
    };
  }

  private async pollSong(ctx: StepContext): Promise<StepOutcome> {
    const p = ctx.project;
    const r = await this.songEngine.poll(p.songTaskId!);
    if (r.status === 'pending')
      return { kind: 'wait', nextRunAt: later(this.config.pipeline.songPollMs) };
    if (r.status === 'failed') {
      // read again after a person's retry: the task's own failure asks for a new generation
      if ((await this.events.lastChangeBy(p.id)) === 'retry')
        return this.generateAgain(ctx, `the last one ended in ${r.reason}`);
      await this.songEngine.discard(p.songTaskId!);
      throw new StepFailedError(r.reason);
    }
    if (r.status === 'gone')
      return this.generateAgain(ctx, `the song service no longer has it: ${r.reason}`);
    let clips;
    try {
      clips = await this.copyClips(p, r.clips);
    } catch (err) {
      if (!(err instanceof ProviderNotFoundError)) throw err;
      // the file URLs expired before we copied them: the task hands out fresh ones; only a
      // task the provider no longer has is worth paying for again
      this.logger.warn(
        `project ${p.id}: song files expired (${err.message}); asking for fresh URLs`,
      );
      const fresh = await this.songEngine.poll(p.songTaskId!);
      if (fresh.status === 'gone')
        return this.generateAgain(ctx, `the song service no longer has it: ${fresh.reason}`);
      if (fresh.status !== 'done')
        throw new StepFailedError('the song’s files expired and the provider has no fresh ones');
      clips = await this.copyClips(p, fresh.clips);
    }
    await this.content.saveClips(p.id, p.retries, clips);
    // the clips are in the blob store: the engine's work files go
    await this.songEngine.discard(p.songTaskId!);
    return { kind: 'advance', to: 'SONG_READY', nextRunAt: p.autopilot ? now() : null };
  }

  private async copyClips(p: ProjectEntity, found: SongClip[]) {
    const clips = [];
    const copied: TrackedFile[] = [];
    for (const [i, c] of found.entries()) {
      const key = `projects/${p.id}/song-${i + 1}${c.audio.contentType === 'audio/mpeg' ? '.mp3' : '.m4a'}`;
      const { bytes } = await copyIntoBlob(
        this.blob,
        c.audio,
        'audio',
        key,
        this.config.providerTimeoutMs * 6,
      );
      copied.push({
        container: 'audio',
        blobKey: key,
        contentType: c.audio.contentType,
        bytes,
        ownerUserId: p.ownerUserId,
      });
      clips.push({
        providerClipId: c.providerClipId,
        blobKey: key,
        durationSec: c.durationSec,
        lineTimings: c.lineTimings ?? [],
        beats: c.beats ?? null,
        selected: p.autopilot && i === 0,
      });
    }
    await this.files.trackAll(copied);
    return clips;
  }

  /** The song task is gone or failed: the cases worth a new paid generation. */
  private generateAgain(ctx: StepContext, reason: string): StepOutcome {
    const message = `a new song is generated (${reason})`;
    this.logger.warn(`project ${ctx.project.id}: ${message}`);
    return {
      kind: 'advance',
      to: 'LYRICS_READY',
      // a new generation is a new paid call: new idempotency keys (and usage rows) for it
      patch: { songTaskId: null, retries: ctx.project.retries + 1 },
      nextRunAt: now(),
      message,
    };
  }

  /** The renderer a project asked for (POST …/video {engine}), else the configured one. */
  private rendererFor(p: ProjectEntity): VideoRenderer {
    return p.options.videoEngine === 'ffmpeg' ? this.ffmpegRenderer : this.videoRenderer;
  }

  private async submitVideo(ctx: StepContext): Promise<StepOutcome> {
    const p = ctx.project;
    const renderer = this.rendererFor(p);
    const clip = (await this.content.clips(p.id)).find((c) => c.selected);
    if (!clip) return { kind: 'wait', nextRunAt: later(60_000), patch: { nextRunAt: null } };
    const recovered = this.recoverSubmission(ctx, renderer.dedupesByKey);
    if (recovered) return recovered;
    // the budget of the engine that will be charged: the first choice here, the fallback's
    // below (a spent FFmpeg budget keeps a failed Creatomate submission from falling back)
    const overBudget = await this.budgetSpent(renderer.name);
    if (overBudget) return overBudget;
    const allowFallback =
      !renderer.fallbackEngine || !(await this.budgetSpent(renderer.fallbackEngine));
    const key = p.pendingSubmissionKey ?? ctx.idempotencyKey;
    const withPhotos = await this.stores.findWithPhotos(p.storeId);
    if (!withPhotos) throw new StepFailedError(STORE_GONE);
    const { store: s, photos } = withPhotos;
    const lyrics =
      (await this.content.approvedLyrics(p.id)) ?? (await this.content.latestLyrics(p.id));
    const lengthSec = p.options.lengthSec ?? 30;
    // the length the owner asked for (the synth composes to it; a longer provider clip is cut)
    const durationSec = Math.min(clip.durationSec, lengthSec);
    const lines = lyrics?.sections.flatMap((x) => x.lines) ?? [];
    const timings =
      clip.lineTimings.length >= lines.length
        ? clip.lineTimings
        : lines.map((_, i) => 2 + (i * (durationSec - 5)) / Math.max(1, lines.length));
    const captions = lines
      .map((text, i) => ({ text, startSec: timings[i], endSec: timings[i + 1] ?? durationSec - 1 }))
      .filter((c) => c.startSec < durationSec - 1);
    await ctx.markSubmitting(key);
    // a render done inside the submission (FFmpeg) moves the project's percent as it goes
    const progress = this.progressReporter(ctx, 'submit_video');
    const sub = await renderer
      .submit(
        {
          audio: await this.blob.asMedia('audio', clip.blobKey, 'audio/mp4', 3600),
          durationSec,
          photos: await Promise.all(
            photos.map((ph) => this.blob.asMedia('photos', ph.blobKey, ph.contentType, 3600)),
          ),
          captions,
          beats: clip.beats ?? undefined,
          endCard: {
            name: s.name,
            address: s.roadAddress ?? s.address,
            phone: s.phone,
            menu: (s.menu ?? []).map((m) => m.name),
            category: s.category,
          },
          templateId: p.options.templateId,
          callbackUrl: this.callbackUrl('creatomate', p.id, p.callbackToken, key),
        },
        key,
        ctx.signal,
        { allowFallback, onProgress: ({ fraction }) => progress.report(fraction) },
      )
      .finally(() => progress.settle());
    // metered under the engine that took the render
    await this.meter(ctx, 'video', sub.engine, 'submit_video', sub.usage);
    if (sub.fallback) {
      videoFallbacks.inc({ from: sub.fallback.from, to: sub.engine });
      this.logger.warn(`project ${p.id}: video fallback: ${sub.fallback.reason}`);
    }
    return {
      kind: 'advance',
      to: 'VIDEO_SUBMITTED',
      patch: { videoTaskId: sub.taskId, pendingSubmissionKey: null, pendingSubmissionAt: null },
      nextRunAt: later(sub.engine === 'ffmpeg' ? 0 : this.config.pipeline.videoPollMs),
      message: sub.fallback?.reason,
    };
  }

  private async pollVideo(ctx: StepContext): Promise<StepOutcome> {
    const p = ctx.project;
    const renderer = this.rendererFor(p);
    const r = await renderer.poll(p.videoTaskId!);
    if (r.status === 'pending') {
      if (r.fraction !== undefined) await this.reportPolledProgress(ctx, r.fraction);
      return { kind: 'wait', nextRunAt: later(this.config.pipeline.videoPollMs) };
    }
    if (r.status === 'failed') {
      await renderer.discard(p.videoTaskId!);
      throw new StepFailedError(r.reason);
    }
    // a render after the first (a remake, a retry) gets keys of its own: the video shown until
    // now stays whole while the new one is copied, and goes once the new one is saved
    const run = p.retries > 0 ? `-${p.retries}` : '';
    const videoKey = `projects/${p.id}/video${run}.mp4`;
    // a first render replaces nothing (run again after a crash, it wrote these same keys)
    const previous = p.retries > 0 ? await this.content.video(p.id) : null;
    const video = await copyIntoBlob(
      this.blob,
      r.video,
      'video',
      videoKey,
      this.config.providerTimeoutMs * 12,
    );
    const copied: TrackedFile[] = [
      {
        container: 'video',
        blobKey: videoKey,
        contentType: 'video/mp4',
        bytes: video.bytes,
        ownerUserId: p.ownerUserId,
      },
    ];
    let thumbKey: string | null = null;
    if (r.thumbnail) {
      thumbKey = `projects/${p.id}/thumb${run}.jpg`;
      const thumb = await copyIntoBlob(
        this.blob,
        r.thumbnail,
        'thumbnails',
        thumbKey,
        this.config.providerTimeoutMs * 3,
      );
      copied.push({
        container: 'thumbnails',
        blobKey: thumbKey,
        contentType: 'image/jpeg',
        bytes: thumb.bytes,
        ownerUserId: p.ownerUserId,
      });
    }
    // one statement for the result's files
    await this.files.trackAll(copied);
    await this.content.saveVideo(p.id, p.retries, {
      engine: r.engine,
      blobKey: videoKey,
      thumbnailBlobKey: thumbKey,
      durationSec: r.durationSec,
      width: r.width,
      height: r.height,
    });
    // the video is in the blob store: the render's work files go
    await renderer.discard(p.videoTaskId!);
    if (previous) await this.forgetReplaced(previous, videoKey, thumbKey);
    return { kind: 'advance', to: 'DONE', nextRunAt: null };
  }

  /** The files of a video that a new render replaced (rows first: a file left is swept later). */
  private async forgetReplaced(old: VideoEntity, videoKey: string, thumbKey: string | null) {
    const gone: [BlobContainer, string | null][] = [
      ['video', old.blobKey === videoKey ? null : old.blobKey],
      ['thumbnails', old.thumbnailBlobKey === thumbKey ? null : old.thumbnailBlobKey],
    ];
    for (const [container, key] of gone) {
      if (!key) continue;
      try {
        await this.blob.delete(container, key);
        await this.files.forget(container, [key]);
      } catch (err) {
        this.logger.warn(
          `could not delete the replaced ${container}/${key}: ${(err as Error).message}`,
        );
      }
    }
  }

  /** Progress of a step that runs long in-process, written as throttled events. */
  private progressReporter(ctx: StepContext, step: StepName): StepProgressReporter {
    return new StepProgressReporter((fraction) => this.recordProgress(ctx, step, fraction));
  }

  /** A provider's render stage, seen on a poll: written when it moved the project on. */
  private async reportPolledProgress(ctx: StepContext, fraction: number): Promise<void> {
    const percent = percentDuring('poll_video', fraction);
    if (percent <= percentDuring('poll_video', 0)) return;
    const last = await this.events.latestEvent(ctx.project.id);
    if (last?.percent != null && last.percent >= percent) return;
    await this.recordProgress(ctx, 'poll_video', fraction);
  }

  /** Under the lease, as an event; a report that cannot be written is not worth failing the step. */
  private async recordProgress(ctx: StepContext, step: StepName, fraction: number) {
    const p = ctx.project;
    await this.events
      .recordProgress(p.id, ctx.leaseOwner, {
        state: p.state as ProjectState,
        step,
        percent: percentDuring(step, fraction),
        message: `rendering: ${Math.round(fraction * 100)}%`,
      })
      .catch((err: Error) =>
        this.logger.warn(`project ${p.id}: progress not recorded (${err.message})`),
      );
  }

  /**
   * A submission marked as sent whose task id never got stored: the process died between the
   * two. Resend under the same key only where that cannot pay twice; otherwise wait for the
   * provider's callback to tell us the task id, and past the recovery window fail the
   * attempt with a reason instead of paying again.
   */
  private recoverSubmission(ctx: StepContext, dedupes: boolean): StepOutcome | undefined {
    const p = ctx.project;
    if (!p.pendingSubmissionKey || dedupes) return undefined;
    const since = p.pendingSubmissionAt?.getTime() ?? 0;
    if (Date.now() - since < this.config.pipeline.submissionRecoveryMs)
      return {
        kind: 'wait',
        nextRunAt: later(Math.min(15_000, this.config.pipeline.submissionRecoveryMs / 4)),
      };
    return {
      kind: 'fail',
      reason:
        'a paid submission may have reached the provider before a crash, but its answer was lost and no callback came; it was not sent again to avoid paying twice. Retry to submit again.',
    };
  }

  /**
   * A provider whose daily budget is spent takes no new submission: the project waits, with
   * the reason shown, until the budget resets (midnight, Korea time) — it never fails for it.
   */
  private async budgetSpent(provider: string): Promise<StepOutcome | undefined> {
    const budget = this.config.dailyBudgetUsd[provider];
    if (budget === undefined) return undefined;
    const { since, resetsAt } = quotaWindow(new Date());
    const spent = await this.usage.spentSince(provider, since);
    if (spent < budget) return undefined;
    this.logger.warn(
      `ALERT: the daily ${provider} budget of $${budget} is spent ($${spent.toFixed(2)}); new ${provider} submissions wait until ${resetsAt.toISOString()}`,
    );
    return {
      kind: 'wait',
      // look again now and then: the budget may be raised, or the day may turn
      nextRunAt: new Date(
        Math.min(resetsAt.getTime(), Date.now() + this.config.pipeline.budgetRecheckMs),
      ),
      patch: {
        waitReason: 'budget',
        lastError: `waiting: the daily ${provider} budget ($${budget}) is spent; submissions resume at ${resetsAt.toISOString()}`,
      },
    };
  }

  private callbackUrl(
    provider: 'suno' | 'creatomate',
    projectId: string,
    token: string,
    key: string,
  ): string {
    return `${this.config.publicBaseUrl}/v1/webhooks/${provider}/${projectId}/${token}?key=${encodeURIComponent(key)}`;
  }

  /**
   * Runs a paid call; when it fails after the provider charged (a completion cut short or
   * refused), the charge is metered before the failure goes on.
   */
  private async meteredOnFailure<T>(
    ctx: StepContext,
    provider: string,
    operation: string,
    call: () => Promise<T>,
  ): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof ProviderError && err.charged)
        await this.meter(ctx, provider, provider, operation, err.charged);
      throw err;
    }
  }

  private meter(
    ctx: StepContext,
    _kind: string,
    provider: string,
    operation: string,
    usage: Usage,
  ) {
    return this.usage.record({
      projectId: ctx.project.id,
      userId: ctx.project.ownerUserId,
      provider,
      operation,
      unit: usage.unit,
      units: usage.units,
      idempotencyKey: ctx.idempotencyKey,
    });
  }
}
