import { Injectable, Logger } from '@nestjs/common';
import { BlobContainer, BlobStore, VideoPoll, VideoRenderers } from '@app/integrations';
import { AppConfig } from '../../config/app-config';
import { VideoEntity } from '../../entities/content.entity';
import { ProjectEntity } from '../../entities/project.entity';
import { BlobObjectRepository, TrackedFile } from '../../files/blob-object.repository';
import { ContentRepository } from '../content.repository';
import { copyIntoBlob } from '../media-copy';
import { StepContext, StepFailedError, StepOutcome } from '../step-context';
import { PipelineStep } from './pipeline-step';
import { StepProgressWriter } from './step-progress-writer';

type DoneRender = Extract<VideoPoll, { status: 'done' }>;

/**
 * VIDEO_SUBMITTED -> DONE: the finished video (and its thumbnail) copied into our blob store;
 * a video it replaces (a remake, a retry) goes once the new one is saved.
 */
@Injectable()
export class PollVideoStep extends PipelineStep {
  readonly name = 'poll_video' as const;
  private readonly logger = new Logger(PollVideoStep.name);

  constructor(
    private readonly config: AppConfig,
    private readonly renderers: VideoRenderers,
    private readonly content: ContentRepository,
    private readonly blob: BlobStore,
    private readonly files: BlobObjectRepository,
    private readonly progress: StepProgressWriter,
  ) {
    super();
  }

  async run(ctx: StepContext): Promise<StepOutcome> {
    const p = ctx.project;
    const renderer = this.renderers.for(p.options.videoEngine);
    const r = await renderer.poll(p.videoTaskId!);
    if (r.status === 'pending') {
      if (r.fraction !== undefined) await this.progress.polled(ctx, this.name, r.fraction);
      return { kind: 'wait', nextRunAt: new Date(Date.now() + this.config.pipeline.videoPollMs) };
    }
    if (r.status === 'failed') {
      await renderer.discard(p.videoTaskId!);
      throw new StepFailedError(r.reason);
    }
    // a render after the first (a remake, a retry) gets keys of its own: the video shown until
    // now stays whole while the new one is copied, and goes once the new one is saved
    const run = p.retries > 0 ? `-${p.retries}` : '';
    const videoKey = `projects/${p.id}/video${run}.mp4`;
    const thumbKey = r.thumbnail ? `projects/${p.id}/thumb${run}.jpg` : null;
    // a first render replaces nothing (run again after a crash, it wrote these same keys)
    const previous = p.retries > 0 ? await this.content.video(p.id) : null;
    // one statement for the result's files
    await this.files.trackAll(await this.copyResult(p, r, videoKey, thumbKey));
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

  private async copyResult(
    p: ProjectEntity,
    r: DoneRender,
    videoKey: string,
    thumbKey: string | null,
  ): Promise<TrackedFile[]> {
    const timeoutMs = this.config.providerTimeoutMs;
    const video = await copyIntoBlob(this.blob, r.video, 'video', videoKey, timeoutMs * 12);
    const copied: TrackedFile[] = [
      {
        container: 'video',
        blobKey: videoKey,
        contentType: 'video/mp4',
        bytes: video.bytes,
        ownerUserId: p.ownerUserId,
      },
    ];
    if (r.thumbnail && thumbKey) {
      const thumb = await copyIntoBlob(
        this.blob,
        r.thumbnail,
        'thumbnails',
        thumbKey,
        timeoutMs * 3,
      );
      copied.push({
        container: 'thumbnails',
        blobKey: thumbKey,
        contentType: 'image/jpeg',
        bytes: thumb.bytes,
        ownerUserId: p.ownerUserId,
      });
    }
    return copied;
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
}
