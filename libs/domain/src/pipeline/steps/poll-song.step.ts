import { Injectable, Logger } from '@nestjs/common';
import {
  BlobStore,
  ProviderNotFoundError,
  SongClip,
  SongEngine,
  SungWord,
} from '@app/integrations';
import { AppConfig } from '../../config/app-config';
import { ProjectEntity } from '../../entities/project.entity';
import { BlobObjectRepository, TrackedFile } from '../../files/blob-object.repository';
import { ContentRepository } from '../content.repository';
import { copyIntoBlob } from '../media-copy';
import { ProjectEventRepository } from '../project-event.repository';
import { StepContext, StepFailedError, StepOutcome } from '../step-context';
import { atOwnerStop } from '../project-state';
import { PipelineStep } from './pipeline-step';

/**
 * SONG_SUBMITTED -> SONG_READY: the finished clips copied into our blob store (provider URLs
 * expire). A task that failed after a person's retry, or that the provider no longer has,
 * goes back to LYRICS_READY for a new paid generation.
 */
@Injectable()
export class PollSongStep extends PipelineStep {
  readonly name = 'poll_song' as const;
  private readonly logger = new Logger(PollSongStep.name);

  constructor(
    private readonly config: AppConfig,
    private readonly engine: SongEngine,
    private readonly content: ContentRepository,
    private readonly events: ProjectEventRepository,
    private readonly blob: BlobStore,
    private readonly files: BlobObjectRepository,
  ) {
    super();
  }

  async run(ctx: StepContext): Promise<StepOutcome> {
    const p = ctx.project;
    const taskId = p.songTaskId!;
    const r = await this.engine.poll(taskId);
    if (r.status === 'pending')
      return { kind: 'wait', nextRunAt: new Date(Date.now() + this.config.pipeline.songPollMs) };
    if (r.status === 'failed') {
      // read again after a person's retry: the task's own failure asks for a new generation
      if ((await this.events.lastChangeBy(p.id)) === 'retry')
        return this.generateAgain(ctx, `the last one ended in ${r.reason}`);
      await this.engine.discard(taskId);
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
      const fresh = await this.engine.poll(taskId);
      if (fresh.status === 'gone')
        return this.generateAgain(ctx, `the song service no longer has it: ${fresh.reason}`);
      if (fresh.status !== 'done')
        throw new StepFailedError('the song’s files expired and the provider has no fresh ones');
      clips = await this.copyClips(p, fresh.clips);
    }
    await this.content.saveClips(p.id, p.retries, clips);
    // the clips are in the blob store: the engine's work files go
    await this.engine.discard(taskId);
    return { kind: 'advance', ...atOwnerStop('SONG_READY', p.autopilot) };
  }

  private async copyClips(p: ProjectEntity, found: SongClip[]) {
    const clips = [];
    const copied: TrackedFile[] = [];
    for (const [i, c] of found.entries()) {
      const ext = c.audio.contentType === 'audio/mpeg' ? '.mp3' : '.m4a';
      const key = `projects/${p.id}/song-${i + 1}${ext}`;
      const timeoutMs = this.config.providerTimeoutMs * 6;
      const { bytes } = await copyIntoBlob(this.blob, c.audio, 'audio', key, timeoutMs);
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
        vocals: c.vocals,
        words: await this.sungWords(p, c),
        selected: p.autopilot && i === 0,
      });
    }
    await this.files.trackAll(copied);
    return clips;
  }

  /**
   * When each word of a sung clip is sung, asked as the clip arrives and stored with it (in the
   * clips' one insert: no write of its own later). Null for an instrumental, and when the
   * engine cannot say: submit_video asks again for the clip it uses, and captions follow the
   * lines if it still cannot.
   */
  private async sungWords(p: ProjectEntity, c: SongClip): Promise<SungWord[] | null> {
    if (!c.vocals || !p.songTaskId || !c.providerClipId) return null;
    const answer = await this.engine
      .sungWords(p.songTaskId, c.providerClipId)
      .catch((err: Error) => ({ known: false as const, reason: err.message }));
    return answer.known ? answer.words : null;
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
      nextRunAt: new Date(),
      message,
    };
  }
}
