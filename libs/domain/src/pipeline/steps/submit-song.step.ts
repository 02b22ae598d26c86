import { Injectable } from '@nestjs/common';
import { SongEngine } from '@app/integrations';
import { AppConfig } from '../../config/app-config';
import { ContentRepository } from '../content.repository';
import { withDefaults } from '../project-options';
import { StepContext, StepOutcome } from '../step-context';
import { PipelineStep } from './pipeline-step';
import { SubmissionGuard } from './submission-guard';

/** LYRICS_READY -> SONG_SUBMITTED: the approved lyrics sent for a paid song generation. */
@Injectable()
export class SubmitSongStep extends PipelineStep {
  readonly name = 'submit_song' as const;

  constructor(
    private readonly config: AppConfig,
    private readonly content: ContentRepository,
    private readonly engine: SongEngine,
    private readonly guard: SubmissionGuard,
  ) {
    super();
  }

  async run(ctx: StepContext): Promise<StepOutcome> {
    const p = ctx.project;
    const lyrics = await this.content.approvedLyrics(p.id);
    // nothing approved yet: the owner's approval wakes the project
    if (!lyrics)
      return { kind: 'wait', nextRunAt: new Date(Date.now() + 60_000), patch: { nextRunAt: null } };
    const recovering = await this.guard.recover(ctx, this.engine, this.name);
    if (recovering) return recovering;
    const key = this.guard.key(ctx);
    const o = withDefaults(p.options);
    const estimate = this.engine.recoveredUsage({ lengthSec: o.lengthSec });
    const held = await this.guard.holdBudget(this.engine.name, key, estimate);
    if (held) return held;
    const paid = { provider: this.engine.name, operation: this.name, estimate, key };
    const { taskId } = await this.guard.submit(
      ctx,
      { ...paid, dedupesByKey: this.engine.dedupesByKey },
      async (sending) => {
        await sending();
        return this.engine.submit(
          {
            title: lyrics.title,
            lyrics,
            mood: o.mood,
            genre: o.genre,
            lengthSec: o.lengthSec,
            callbackUrl: this.guard.callbackUrl('song', ctx, key),
          },
          key,
          ctx.signal,
        );
      },
      (sub) => ({ provider: this.engine.name, usage: sub.usage }),
    );
    const pollInMs = this.engine.readyWhenSubmitted ? 0 : this.config.pipeline.songPollMs;
    return {
      kind: 'advance',
      to: 'SONG_SUBMITTED',
      patch: { songTaskId: taskId, pendingSubmissionKey: null, pendingSubmissionAt: null },
      nextRunAt: new Date(Date.now() + pollInMs),
    };
  }
}
