import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { quotaWindow } from '../quota-window';
import { StepContext, StepOutcome } from '../step-context';
import { UsageRepository } from '../usage.repository';

/** The lanes whose providers call back: one webhook route each (not one per vendor). */
export type CallbackLane = 'song' | 'video';

const later = (ms: number) => new Date(Date.now() + ms);

/**
 * The rules a paid submission passes before it is sent: a submission a crash may have sent
 * already is not sent twice, a spent daily budget makes it wait; and where the provider may
 * call back about it.
 */
@Injectable()
export class SubmissionGuard {
  private readonly logger = new Logger(SubmissionGuard.name);

  constructor(
    private readonly config: AppConfig,
    private readonly usage: UsageRepository,
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
   * A provider whose daily budget is spent takes no new submission: the project waits, with
   * the reason shown, until the budget resets (midnight, Korea time) — it never fails for it.
   * Undefined: the budget lasts (or there is none).
   */
  async budgetWait(provider: string): Promise<StepOutcome | undefined> {
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
