import { Injectable, Logger } from '@nestjs/common';
import { ProviderError, ProviderUnavailableError, Usage } from '@app/integrations';
import { AppConfig } from '../../config/app-config';
import { budgetHasRoom } from '../budget-rule';
import { BudgetHoldRepository } from '../budget-hold.repository';
import { quotaWindow } from '../quota-window';
import { StepContext, StepOutcome } from '../step-context';
import { UsageRepository } from '../usage.repository';

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
  ) {}

  /**
   * A submission marked as sent whose task id never got stored: the process died between the
   * two. Resend under the same key only where that cannot pay twice; otherwise wait for the
   * provider's callback to tell us the task id, and past the recovery window fail the
   * attempt with a reason instead of paying again. Undefined: go on and submit.
   */
  recover(ctx: StepContext, dedupesByKey: boolean): StepOutcome | undefined {
    const p = ctx.project;
    if (!p.pendingSubmissionKey || dedupesByKey) return undefined;
    const windowMs = this.config.pipeline.submissionRecoveryMs;
    const since = p.pendingSubmissionAt?.getTime() ?? 0;
    if (Date.now() - since < windowMs)
      return { kind: 'wait', nextRunAt: later(Math.min(15_000, windowMs / 4)) };
    return {
      kind: 'fail',
      reason:
        'a paid submission may have reached the provider before a crash, but its answer was lost and no callback came; it was not sent again to avoid paying twice. Retry to submit again.',
    };
  }

  /**
   * Holds the submission's estimated cost against its provider's budget of the day: granted
   * while the day's metered spend plus what submissions in flight hold is below the budget,
   * decided one submission at a time in the database (two checked at the same moment cannot
   * both take the last room). A spent budget makes the project wait, with the reason shown,
   * until the budget resets (midnight, Korea time): it never fails for it. Undefined: go on
   * (held, or no budget); the hold ends with release() or settled().
   */
  async holdBudget(
    provider: string,
    key: string,
    estimate: Usage,
  ): Promise<StepOutcome | undefined> {
    const budget = this.config.dailyBudgetUsd[provider];
    if (budget === undefined) return undefined;
    const amountUsd = this.usage.price(provider, estimate.unit) * estimate.units;
    const o = await this.holds.hold({ provider, key, amountUsd, budgetUsd: budget });
    return o.held ? undefined : this.spent(provider, budget, o.spentUsd + o.heldUsd);
  }

  /**
   * Whether a provider's budget has room now, holding nothing: the look a fallback engine gets
   * before the first choice is sent. Undefined: it has room (or there is no budget).
   */
  async budgetWait(provider: string): Promise<StepOutcome | undefined> {
    const budget = this.config.dailyBudgetUsd[provider];
    if (budget === undefined) return undefined;
    const { spentUsd, heldUsd } = await this.holds.standing(provider);
    return budgetHasRoom(spentUsd, heldUsd, budget)
      ? undefined
      : this.spent(provider, budget, spentUsd + heldUsd);
  }

  /**
   * Runs the held submission (the call and its metering). Its hold ends when it is metered, or
   * when the provider's answer says nothing more was charged; any other failure (a timeout, a
   * cut connection, a stop mid-call) keeps it, so the budget counts the possible charge until
   * the resend under the same key, the callback that meters it, or the day's end.
   */
  async settled<T>(ctx: StepContext, provider: string, key: string, run: () => Promise<T>) {
    let ok = false;
    try {
      const value = await run();
      ok = true;
      return value;
    } catch (err) {
      ok = surelyNotCharged(err, ctx.signal);
      throw err;
    } finally {
      // best effort: the call succeeded (or surely charged nothing), and failing it now would
      // send a second paid submission under a new key; a hold left behind ends with the day
      if (ok && this.config.dailyBudgetUsd[provider] !== undefined)
        await this.holds
          .release(provider, key)
          .catch((e: Error) =>
            this.logger.warn(`${provider} budget hold of ${key} not released (${e.message})`),
          );
    }
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

/**
 * A failure that is the provider's answer (a refusal, a 5xx, a 429) and not a stop mid-call: it
 * charged nothing but what it says it charged (metered before the failure goes on). Anything
 * else (our own error after the call, a timeout, a cut connection) may hide a charge.
 */
function surelyNotCharged(err: unknown, signal: AbortSignal): boolean {
  if (signal.aborted || !(err instanceof ProviderError)) return false;
  return !(err instanceof ProviderUnavailableError && err.ambiguous);
}
