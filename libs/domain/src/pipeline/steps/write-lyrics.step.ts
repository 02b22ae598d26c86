import { Injectable } from '@nestjs/common';
import { LyricsEngine } from '@app/integrations';
import { StoreRepository } from '../../stores/store.repository';
import { ContentRepository } from '../content.repository';
import { withDefaults } from '../project-options';
import { StepContext, StepOutcome } from '../step-context';
import { atOwnerStop } from '../project-state';
import { PipelineStep } from './pipeline-step';
import { StepMetering } from './step-metering';
import { storeOf } from './store-of';

/** STORE_READY -> LYRICS_READY: a paid lyrics draft from the store's facts and the options. */
@Injectable()
export class WriteLyricsStep extends PipelineStep {
  readonly name = 'write_lyrics' as const;

  constructor(
    private readonly stores: StoreRepository,
    private readonly content: ContentRepository,
    private readonly engine: LyricsEngine,
    private readonly metering: StepMetering,
  ) {
    super();
  }

  async run(ctx: StepContext): Promise<StepOutcome> {
    const p = ctx.project;
    const s = await storeOf(this.stores, p.storeId);
    const o = withDefaults(p.options);
    const paid = {
      provider: this.engine.name,
      operation: this.name,
      estimate: this.engine.estimatedUsage(),
      // a completion resent under the same key is another paid call
      dedupesByKey: false,
      // not a submission: no recovery drops its row, an answer as estimated leaves it as sent
      droppedIfUnanswered: false,
    };
    const { lyrics } = await this.metering.paid(
      ctx,
      paid,
      (sending, answered) =>
        this.engine.write(
          {
            store: s,
            mood: o.mood,
            genre: o.genre,
            keywords: o.keywords,
            hints: o.lyricHints,
            lengthSec: o.lengthSec,
          },
          ctx.idempotencyKey,
          { sending, answered },
        ),
      ({ usage }) => ({ provider: this.engine.name, usage }),
    );
    await this.content.addLyrics(p.id, { ...lyrics, source: this.engine.source }, p.autopilot);
    // autopilot runs straight on; otherwise the owner reviews and approves
    return { kind: 'advance', ...atOwnerStop('LYRICS_READY', p.autopilot) };
  }
}
