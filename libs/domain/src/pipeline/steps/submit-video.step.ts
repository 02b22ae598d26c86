import { Injectable, Logger } from '@nestjs/common';
import {
  BlobStore,
  Caption,
  SongEngine,
  SungWord,
  VideoRenderers,
  VideoRequest,
} from '@app/integrations';
import { AppConfig } from '../../config/app-config';
import { LyricsEntity, SongEntity } from '../../entities/content.entity';
import { videoFallbacks } from '../../metrics/metrics';
import { StoreRepository } from '../../stores/store.repository';
import { ContentRepository } from '../content.repository';
import { withDefaults } from '../project-options';
import { StepContext, StepFailedError, StepOutcome } from '../step-context';
import { sungLineWords } from '../sung-words';
import { PipelineStep } from './pipeline-step';
import { StepProgressWriter } from './step-progress-writer';
import { STORE_GONE } from './store-of';
import { PHOTO_SHORT_SIDE, photoSizeWarning } from '../../stores/photo-size';
import { SubmissionGuard } from './submission-guard';

/**
 * SONG_READY -> VIDEO_SUBMITTED: the picked clip, the store's photos and the lyric captions
 * sent for a paid render, to the engine the project asked for (or the configured one).
 */
@Injectable()
export class SubmitVideoStep extends PipelineStep {
  readonly name = 'submit_video' as const;
  private readonly logger = new Logger(SubmitVideoStep.name);

  constructor(
    private readonly config: AppConfig,
    private readonly renderers: VideoRenderers,
    private readonly songs: SongEngine,
    private readonly content: ContentRepository,
    private readonly stores: StoreRepository,
    private readonly blob: BlobStore,
    private readonly guard: SubmissionGuard,
    private readonly progress: StepProgressWriter,
  ) {
    super();
  }

  async run(ctx: StepContext): Promise<StepOutcome> {
    const p = ctx.project;
    const renderer = this.renderers.for(p.options.videoEngine);
    const clip = (await this.content.clips(p.id)).find((c) => c.selected);
    // no clip picked yet: the owner's pick wakes the project
    if (!clip)
      return { kind: 'wait', nextRunAt: new Date(Date.now() + 60_000), patch: { nextRunAt: null } };
    const recovering = await this.guard.recover(ctx, renderer, this.name);
    if (recovering) return recovering;
    const key = this.guard.key(ctx);
    const withPhotos = await this.stores.findWithPhotos(p.storeId);
    if (!withPhotos) throw new StepFailedError(STORE_GONE);
    const req = await this.request(ctx, clip, key, withPhotos);
    // the budget of the engine that will be charged: the first choice's is held here, the
    // fallback's looked at (a spent fallback budget keeps a failed first choice from falling back)
    const lengthSec = withDefaults(p.options).lengthSec;
    const estimate = renderer.recoveredUsage({ lengthSec });
    const held = await this.guard.holdBudget(renderer.name, key, estimate);
    if (held) return held;
    const fallback = renderer.fallbackEngine;
    const allowFallback =
      !fallback ||
      !(await this.guard.budgetWait(
        fallback,
        this.renderers.for(fallback).recoveredUsage({ lengthSec }),
      ));
    // the sent row says what the answer will (the request's length is known): as answered, it
    // needs no second write; the hold above took the recovered estimate, never short
    const billed = renderer.submittedUsage(req);
    const paid = { provider: renderer.name, operation: this.name, estimate: billed, key };
    const sub = await this.guard.submit(
      ctx,
      { ...paid, dedupesByKey: renderer.dedupesByKey },
      async (sending) => {
        await sending();
        // a render done inside the submission (a local engine) moves the project's percent as it goes
        const progress = this.progress.reporter(ctx, this.name);
        return renderer
          .submit(req, key, ctx.signal, {
            allowFallback,
            // the step's last attempt: a rate limit is no longer waited for
            lastTry: ctx.attempt >= this.config.pipeline.maxAttempts,
            onProgress: ({ fraction }) => progress.report(fraction),
          })
          .finally(() => progress.settle());
      },
      // metered under the engine that took the render
      (done) => ({ provider: done.engine, usage: done.usage }),
    );
    if (sub.fallback) {
      videoFallbacks.inc({ from: sub.fallback.from, to: sub.engine });
      this.logger.warn(`project ${p.id}: video fallback: ${sub.fallback.reason}`);
    }
    const pollInMs = sub.readyWhenSubmitted ? 0 : this.config.pipeline.videoPollMs;
    return {
      kind: 'advance',
      to: 'VIDEO_SUBMITTED',
      patch: { videoTaskId: sub.taskId, pendingSubmissionKey: null, pendingSubmissionAt: null },
      nextRunAt: new Date(Date.now() + pollInMs),
      // the owner hears of photos the video had to enlarge (their upload's answer said so too)
      message:
        [sub.fallback?.reason, softPhotos(withPhotos)].filter(Boolean).join('; ') || undefined,
    };
  }

  /**
   * When the clip's words are sung: stored with the clip as it arrived (poll_song); asked of
   * the song engine here only when it could not say then, and kept with the clip. None for an instrumental; none either when the engine cannot say
   * (its refusal is no reason to fail the video: the captions then follow the lines only).
   */
  private async sungWords(ctx: StepContext, clip: SongEntity): Promise<SungWord[] | null> {
    if (!clip.vocals) return null;
    if (clip.words) return clip.words;
    const taskId = ctx.project.songTaskId;
    if (!taskId || !clip.providerClipId) return null;
    const answer = await this.songs
      .sungWords(taskId, clip.providerClipId)
      .catch((err: Error) => ({ known: false as const, reason: err.message }));
    if (!answer.known) {
      this.logger.warn(
        `project ${ctx.project.id}: no word timings for the song (${answer.reason}); captions follow the lines`,
      );
      return null;
    }
    await this.content.saveWords(clip.id, answer.words);
    return answer.words;
  }

  /** What the renderer is given: media it can read, captions timed to the song, the end card. */
  private async request(
    ctx: StepContext,
    clip: SongEntity,
    key: string,
    { store: s, photos }: StoreWithPhotos,
  ): Promise<VideoRequest> {
    const p = ctx.project;
    const lyrics =
      (await this.content.approvedLyrics(p.id)) ?? (await this.content.latestLyrics(p.id));
    // the length the owner asked for (the synth composes to it; a longer provider clip is cut)
    const durationSec = Math.min(clip.durationSec, withDefaults(p.options).lengthSec);
    return {
      audio: await this.blob.asMedia('audio', clip.blobKey, 'audio/mp4', 3600),
      durationSec,
      photos: await Promise.all(
        photos.map((ph) => this.blob.asMedia('photos', ph.blobKey, ph.contentType, 3600)),
      ),
      captions: captionsFor(lyrics, clip.lineTimings, durationSec, await this.sungWords(ctx, clip)),
      beats: clip.beats ?? undefined,
      endCard: {
        name: s.name,
        address: s.roadAddress ?? s.address,
        phone: s.phone,
        menu: (s.menu ?? []).map((m) => ({ name: m.name, price: m.price ?? null })),
        category: s.category,
      },
      templateId: p.options.templateId,
      callbackUrl: this.guard.callbackUrl('video', ctx, key),
    };
  }
}

type StoreWithPhotos = NonNullable<Awaited<ReturnType<StoreRepository['findWithPhotos']>>>;

/** The owner's photos the video enlarges, said in the project's progress; null when none. */
function softPhotos(withPhotos: { photos: { width: number; height: number }[] }): string | null {
  const small = withPhotos.photos.filter((ph) => photoSizeWarning(ph.width, ph.height) !== null);
  if (!small.length) return null;
  const sizes = small.map((ph) => `${ph.width}x${ph.height}`).join(', ');
  return `${small.length} photo(s) under ${PHOTO_SHORT_SIDE.sharp} pixels on the short side (${sizes}) are enlarged in the video and may look soft`;
}

/** A caption comes up this long before its first word is sung, to be read as it is sung. */
const LEAD_IN_SEC = 0.2;
const ms = (sec: number) => Math.round(sec * 1000) / 1000;

/**
 * One caption per lyric line. With the sung words of a clip (a voice sings the lyrics), each
 * line comes up as it is sung and carries when each of its words is sung (the renderer
 * lights them up then); else timed by the engine's line timings when it gave one per line,
 * else spread evenly over the song, without word times. None starts in the last second.
 */
export function captionsFor(
  lyrics: Pick<LyricsEntity, 'sections'> | null,
  lineTimings: number[],
  durationSec: number,
  words: SungWord[] | null = null,
): Caption[] {
  const lines = lyrics?.sections.flatMap((x) => x.lines) ?? [];
  const sung = words?.length ? sungLineWords(lines, words) : null;
  let timings: number[];
  if (sung) {
    let prev = 0;
    timings = sung.map((w) => (prev = Math.max(prev, ms((w[0]?.startSec ?? prev) - LEAD_IN_SEC))));
  } else
    timings =
      lineTimings.length >= lines.length
        ? lineTimings
        : lines.map((_, i) => 2 + (i * (durationSec - 5)) / Math.max(1, lines.length));
  return lines
    .map((text, i) => ({
      text,
      startSec: timings[i],
      endSec: timings[i + 1] ?? durationSec - 1,
      ...(sung ? { words: sung[i] } : {}),
    }))
    .filter((c) => c.startSec < durationSec - 1);
}
