import { Injectable } from '@nestjs/common';
import { StoreRepository } from '../../stores/store.repository';
import { StepContext, StepFailedError, StepOutcome } from '../step-context';
import { PipelineStep } from './pipeline-step';
import { storeOf } from './store-of';

/** DRAFT -> STORE_READY: the store the jingle is about is there and has a name. */
@Injectable()
export class PrepareStoreStep extends PipelineStep {
  readonly name = 'prepare_store' as const;

  constructor(private readonly stores: StoreRepository) {
    super();
  }

  async run(ctx: StepContext): Promise<StepOutcome> {
    const s = await storeOf(this.stores, ctx.project.storeId);
    if (!s.name.trim()) throw new StepFailedError('the store has no name');
    return { kind: 'advance', to: 'STORE_READY', nextRunAt: new Date() };
  }
}
