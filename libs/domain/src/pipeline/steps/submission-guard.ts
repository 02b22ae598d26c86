import { Injectable, Logger } from '@nestjs/common';
import { Usage } from '@app/integrations';
import { AppConfig } from '../../config/app-config';
import { budgetHasRoom, overWholeBudget } from '../budget-rule';
import { BudgetHoldRepository } from '../budget-hold.repository';
import { quotaWindow } from '../quota-window';
import { StepContext, StepFailedError, StepOutcome } from '../step-context';
import { UsageRepository } from '../usage.repository';
import { StepName } from '../project-state';
import { PaidCall, StepMetering } from './step-metering';

/** The lanes whose providers call back: one webhook route each (not one per vendor). */
export type CallbackLane = 'song' | 'video';

const later = (ms: number) => new Date(Date.now() + ms);

/**
 * The rules a paid submission passes before it is sent: a submission a crash may have sent
 * already is not sent twice, a spent daily budget makes it wait (the room it takes held until
 * it is metered); and where the provider may call back about it.
 */
@Injectable()
export class SubmissionGuard {
  private readonly logger = new Logger(SubmissionGuard.name);

  constructor(
    private readonly config: AppConfig,
    private readonly usage: UsageRepository,
    private readonly holds: BudgetHoldRepository,
    private readonly metering: StepMetering,
  ) {}

  /**
   * A submission marked as sent whose task id never got stored: the process died between the
   * two. Resend under the same key only where that cannot pay twice; otherwise wait for the
   * provider's callback to tell us the task id. Past the recovery window with no sign of it
   * (no task id, no callback), the provider never got it (the mark is written right before the
   * request leaves): its unanswered usage row and budget hold go, and the step is submitted
   * anew as its next attempt; after the last attempt, it fails with a reason. Undefined: go on
   * and submit.
   */
  async recover(
    ctx: StepContext,
    engine: { name: string; dedupesByKey: boolean },
    operation: StepName,
  ): Promise<StepOutcome | undefined> {
    const p = ctx.project;
    if (!p.pendingSubmissionKey || engine.dedupesByKey) return undefined;
    const windowMs = this.config.pipeline.submissionRecoveryMs;
    const since = p.pendingSubmissionAt?.getTime() ?? 0;
    if (Date.now() - since < windowMs)
      return { kind: 'wait', nextRunAt: later(Math.min(15_000, windowMs / 4)) };
    const lost =
      'a paid submission marked as sent before a crash left no sign (no task id, no callback)';
    if (ctx.attempt >= this.config.pipeline.maxAttempts)
      return {
        kind: 'fail',
        reason: `${lost}, and it was the last attempt. Retry to submit again.`,
      };
    await this.usage.dropUnanswered(engine.name, operation, p.pendingSubmissionKey);
    await this.release(engine.name, p.pendingSubmissionKey);
    this.logger.warn(`project ${p.id}: ${lost}; submitting again (attempt ${ctx.attempt + 1})`);
    return {
      kind: 'wait',
      nextRunAt: new Date(),
      patch: {
        stepAttempts: ctx.attempt,
        pendingSubmissionKey: null,
        pendingSubmissionAt: null,
        lastError: `${lost}; submitted again`,
      },
    };
  }

  /**
   * Holds the submission's estimated cost against its provider's budget of the day: granted
   * when the day's metered spend, what submissions in flight hold and this estimate stay within
   * the budget, decided one submission at a time in the database (two checked at the same
   * moment cannot both take the last room). A spent budget makes the project wait, with the
   * reason shown, until the budget resets (midnight, Korea time); only an estimate over the
   * whole budget, which could never start, fails. Undefined: go on (held, or no budget); the
   * hold ends with release() or settled().
   */
  async holdBudget(
    provider: string,
    key: string,
    estimate: Usage,
  ): Promise<StepOutcome | undefined> {
    const budget = this.config.dailyBudgetUsd[provider];
    if (budget === undefined) return undefined;
    const amountUsd = this.usage.price(provider, estimate.unit) * estimate.units;
    if (overWholeBudget(amountUsd, budget))
      throw new StepFailedError(
        `this ${provider} submission's estimated cost ($${amountUsd.toFixed(2)}) is more than the whole daily ${provider} budget ($${budget}): it could never start`,
      );
    const o = await this.holds.hold({ provider, key, amountUsd, budgetUsd: budget });
    return o.held ? undefined : this.spent(provider, budget, o.spentUsd + o.heldUsd);
  }

  /**
   * Whether a provider's budget has room now for a submission of this estimate, holding
   * nothing: the look a fallback engine gets before the first choice is sent. Undefined: it
   * has room (or there is no budget).
   */
  async budgetWait(provider: string, estimate?: Usage): Promise<StepOutcome | undefined> {
    const budget = this.config.dailyBudgetUsd[provider];
    if (budget === undefined) return undefined;
    const amountUsd = estimate ? this.usage.price(provider, estimate.unit) * estimate.units : 0;
    const { spentUsd, heldUsd } = await this.holds.standing(provider);
    return budgetHasRoom(spentUsd, heldUsd, budget, amountUsd)
      ? undefined
      : this.spent(provider, budget, spentUsd + heldUsd);
  }

  /**
   * Sends the held submission: right before the request leaves (`sending`, called by `call`
   * once what it sends is ready), the project is marked as submitting and the usage row written
   * as sent; from then on that row counts against the budget, so the hold ends. The row is
   * settled from the answer (StepMetering.paid), always where recover() may drop it (a
   * provider that does not dedupe): there the settled status is what tells an answered call.
   */
  submit<T>(
    ctx: StepContext,
    c: PaidCall & { key: string },
    call: (sending: () => Promise<void>) => Promise<T>,
    answered: (value: T) => { provider: string; usage: Usage },
  ): Promise<T> {
    return this.metering.paid(
      ctx,
      { ...c, droppedIfUnanswered: !c.dedupesByKey },
      (sending) =>
        call(async () => {
          await sending();
          await this.release(c.provider, c.key);
        }),
      answered,
      () => ctx.markSubmitting(c.key),
    );
  }

  /** best effort: a hold left behind ends with the day */
  private async release(provider: string, key: string): Promise<void> {
    if (this.config.dailyBudgetUsd[provider] === undefined) return;
    await this.holds
      .release(provider, key)
      .catch((e: Error) =>
        this.logger.warn(`${provider} budget hold of ${key} not released (${e.message})`),
      );
  }

  private spent(provider: string, budget: number, used: number): StepOutcome {
    const { resetsAt } = quotaWindow(new Date());
    this.logger.warn(
      `ALERT: the daily ${provider} budget of $${budget} is spent ($${used.toFixed(2)} metered and held); new ${provider} submissions wait until ${resetsAt.toISOString()}`,
    );
    return {
      kind: 'wait',
      // look again now and then: the budget may be raised, a hold released, or the day turn
      nextRunAt: new Date(
        Math.min(resetsAt.getTime(), Date.now() + this.config.pipeline.budgetRecheckMs),
      ),
      patch: {
        waitReason: 'budget',
        lastError: `waiting: the daily ${provider} budget ($${budget}) is spent; submissions resume at ${resetsAt.toISOString()}`,
      },
    };
  }

  /** The key a submission goes under: the one a crashed attempt marked, else this attempt's. */
  key(ctx: StepContext): string {
    return ctx.project.pendingSubmissionKey ?? ctx.idempotencyKey;
  }

  /**
   * Where the lane's provider calls back about this submission: the project's token proves the
   * caller knows the project, the key which submission it answers.
   */
  callbackUrl(lane: CallbackLane, ctx: StepContext, key: string): string {
    const p = ctx.project;
    return `${this.config.publicBaseUrl}/v1/webhooks/${lane}/${p.id}/${p.callbackToken}?key=${encodeURIComponent(key)}`;
  }
}
