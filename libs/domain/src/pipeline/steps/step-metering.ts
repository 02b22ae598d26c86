import { Injectable } from '@nestjs/common';
import { ProviderError, ProviderUnavailableError, Usage } from '@app/integrations';
import { StepName } from '../project-state';
import { StepContext } from '../step-context';
import { MeteredCall, SentRow, UsageRepository } from '../usage.repository';

/** A paid call about to leave, as metered before it does. */
export interface PaidCall {
  provider: string;
  operation: StepName;
  /** what the call is expected to use: its row's units until the answer says */
  estimate: Usage;
  /** true when a resend under the same key cannot be charged twice */
  dedupesByKey: boolean;
  /**
   * false where no recovery ever takes the row away as unanswered (a call that is no
   * submission, a submission to a provider that dedupes: SubmissionGuard.recover): an answer
   * that says what the estimate did then leaves the row as written, saving a statement. True
   * (the default) where recovery drops rows still "sent": the answer is always written down.
   */
  droppedIfUnanswered?: boolean;
  /** the key it goes under (the step's idempotency key unless a crashed attempt's is resent) */
  key?: string;
}

/** What a step's paid calls used, recorded against the project under the step's idempotency key. */
@Injectable()
export class StepMetering {
  constructor(private readonly usage: UsageRepository) {}

  /** One usage row per paid call: the key makes a second record of the same call a no-op. */
  record(ctx: StepContext, provider: string, operation: StepName, usage: Usage): Promise<void> {
    return this.usage.record({
      ...this.owner(ctx),
      provider,
      operation,
      unit: usage.unit,
      units: usage.units,
      idempotencyKey: ctx.idempotencyKey,
    });
  }

  /**
   * Runs a paid call metered from before it leaves: `call` calls `sending` right before the
   * request goes (after whatever it prepares first), which writes the call's row as "sent"
   * with the estimate (and does what `beforeSend` adds: the submission's mark), so a crash
   * mid-call leaves the row of a call the provider got. The row is then settled from the
   * answer: the units the answer says (`answered` names the engine that took it and what it
   * used), what a refusal says it charged, or nothing for a refusal that charged nothing (an
   * answer that says what the row does is left as written where no recovery drops it: see
   * asWritten). A failure that may hide a charge (a timeout, a cut connection, a stop
   * mid-call) keeps the estimate. A call of several tries the provider may each bill (a resend after a lost answer,
   * a second completion) calls `sending` before each: each gets its own row, settled by
   * `answeredTry` as its answer comes (the call's `answered` then settles nothing more).
   */
  async paid<T>(
    ctx: StepContext,
    c: PaidCall,
    call: (sending: () => Promise<void>, answeredTry: (u: Usage) => Promise<void>) => Promise<T>,
    answered: (value: T) => { provider: string; usage: Usage },
    beforeSend: () => Promise<void> = async () => undefined,
  ): Promise<T> {
    const base = { ...this.owner(ctx), provider: c.provider, operation: c.operation };
    const key = c.key ?? ctx.idempotencyKey;
    // the row of the try sent last, until an answer settles it; whether any try was sent
    let row: SentRow | null = null;
    let sent = false;
    const sending = async () => {
      await beforeSend();
      row = await this.usage.sent({ ...base, ...c.estimate, idempotencyKey: key }, c.dedupesByKey);
      sent = true;
    };
    const settle = async (usage: Usage, provider = c.provider) => {
      const open = row;
      row = null;
      if (asWritten(open, c, provider, usage)) return;
      if (open || !sent)
        await this.settle(open, { ...base, provider, ...usage, idempotencyKey: key });
    };
    let value: T;
    try {
      value = await call(sending, (u) => settle(u));
    } catch (err) {
      const charged = refusalCharge(err, ctx.signal);
      if (charged) await settle(charged);
      throw err;
    }
    const { provider, usage } = answered(value);
    await settle(usage, provider);
    return value;
  }

  /** A sent row takes the answer's usage; a call that never wrote one is recorded as it is. */
  private settle(row: SentRow | null, r: MeteredCall): Promise<void> {
    return row ? this.usage.settle(row.id, r) : this.usage.record(r);
  }

  private owner(ctx: StepContext) {
    return { projectId: ctx.project.id, userId: ctx.project.ownerUserId };
  }
}

/**
 * True when the row this call wrote already says what its answer does (same engine, same
 * units) and no recovery can take it away as unanswered: "sent" with the answer's units is
 * then the settled row (one UPDATE fewer per paid call). A row an earlier call wrote (a
 * deduped resend) may hold another answer: it is written again.
 */
function asWritten(row: SentRow | null, c: PaidCall, provider: string, usage: Usage): boolean {
  return (
    row?.written === true &&
    c.droppedIfUnanswered === false &&
    provider === c.provider &&
    usage.unit === c.estimate.unit &&
    usage.units === c.estimate.units
  );
}

/**
 * What a failed call surely charged: the provider's answer (a refusal, a 5xx, a 429) charged
 * what it says (nothing unless it says); undefined when the failure may hide a charge (our own
 * error after the call, a timeout, a cut connection, a stop mid-call): the estimate stands.
 */
function refusalCharge(err: unknown, signal: AbortSignal): Usage | undefined {
  if (signal.aborted || !(err instanceof ProviderError)) return undefined;
  if (err instanceof ProviderUnavailableError && err.ambiguous) return undefined;
  return err.charged ?? { unit: 'call', units: 0 };
}
