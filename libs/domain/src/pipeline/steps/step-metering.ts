import { Injectable } from '@nestjs/common';
import { ProviderError, Usage } from '@app/integrations';
import { StepName } from '../project-state';
import { StepContext } from '../step-context';
import { UsageRepository } from '../usage.repository';

/** What a step's paid calls used, recorded against the project under the step's idempotency key. */
@Injectable()
export class StepMetering {
  constructor(private readonly usage: UsageRepository) {}

  /** One usage row per paid call: the key makes a second record of the same call a no-op. */
  record(ctx: StepContext, provider: string, operation: StepName, usage: Usage): Promise<void> {
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

  /**
   * Runs a paid call; when it fails after the provider charged (a completion cut short or
   * refused), the charge is metered before the failure goes on.
   */
  async chargedOnFailure<T>(
    ctx: StepContext,
    provider: string,
    operation: StepName,
    call: () => Promise<T>,
  ): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof ProviderError && err.charged)
        await this.record(ctx, provider, operation, err.charged);
      throw err;
    }
  }
}
