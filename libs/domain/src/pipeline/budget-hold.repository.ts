import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { isDuplicateKey } from '../database/connection-errors';
import { DatabaseRouter } from '../database/database-router';
import { execute, sqlTime } from '../database/raw-sql';
import { BudgetDayEntity, BudgetHoldEntity } from '../entities/budget.entity';
import { budgetHasRoom } from './budget-rule';
import { quotaWindow } from './quota-window';

/** A hold asked for: a submission's estimated cost against its provider's budget of the day. */
export interface HoldRequest {
  provider: string;
  /** the submission's idempotency key: a resend under it keeps the hold it has */
  key: string;
  amountUsd: number;
  budgetUsd: number;
  now?: Date;
}

/** What asking came to, and the day's figures it was decided on. */
export interface HoldOutcome {
  held: boolean;
  spentUsd: number;
  heldUsd: number;
}

/**
 * The daily budgets under concurrency (the rule: budgetHasRoom). Granting a submission holds
 * its estimated cost until its usage row is written. Holds of a provider's day are
 * decided one at a time: each first updates the day's row (a row lock on MySQL, the one writer
 * on SQLite), then reads the spend in a READ COMMITTED transaction, so it sees every hold and
 * usage row committed before it.
 */
@Injectable()
export class BudgetHoldRepository {
  constructor(private readonly db: DatabaseRouter) {}

  async hold(r: HoldRequest): Promise<HoldOutcome> {
    const { since, day } = quotaWindow(r.now ?? new Date());
    await this.ensureDay(r.provider, day);
    return this.db.transaction(
      async (em) => {
        await execute(
          em,
          'UPDATE budget_days SET holds_asked = holds_asked + 1 WHERE provider = ? AND day = ?',
          [r.provider, day],
        );
        const mine = await em.findOne(BudgetHoldEntity, {
          where: { provider: r.provider, holdKey: r.key },
        });
        const spentUsd = await spentSince(em, r.provider, since);
        const heldUsd = await heldOn(em, r.provider, day);
        if (mine) return { held: true, spentUsd, heldUsd };
        if (!budgetHasRoom(spentUsd, heldUsd, r.budgetUsd, r.amountUsd))
          return { held: false, spentUsd, heldUsd };
        await em.insert(BudgetHoldEntity, {
          provider: r.provider,
          holdKey: r.key,
          day,
          amountUsd: r.amountUsd,
          createdAt: r.now ?? new Date(),
        });
        return { held: true, spentUsd, heldUsd: heldUsd + r.amountUsd };
      },
      { readCommitted: true },
    );
  }

  /** The submission's usage is metered, or it surely did not happen: its hold ends. */
  async release(provider: string, key: string): Promise<void> {
    await this.db.write((em) => em.delete(BudgetHoldEntity, { provider, holdKey: key }));
  }

  /** What the day's budget stands at, without holding anything (a look, not a decision). */
  async standing(provider: string, now = new Date()): Promise<Omit<HoldOutcome, 'held'>> {
    const { since, day } = quotaWindow(now);
    return this.db.read(async (em) => ({
      spentUsd: await spentSince(em, provider, since),
      heldUsd: await heldOn(em, provider, day),
    }));
  }

  /**
   * Holds and day rows of days before `day` go: a hold counts only on its own day (heldOn), so
   * a past day's holds decide nothing more, and a release of one gone is a no-op.
   */
  async purgeBefore(day: string): Promise<number> {
    return this.db.write(async (em) => {
      let purged = 0;
      for (const entity of [BudgetHoldEntity, BudgetDayEntity]) {
        const r = await em
          .createQueryBuilder()
          .delete()
          .from(entity)
          .where('day < :day', { day })
          .execute();
        purged += r.affected ?? 0;
      }
      return purged;
    });
  }

  /** The day's row, made by the first hold of the day (a concurrent maker's row is as good). */
  private async ensureDay(provider: string, day: string): Promise<void> {
    const found = await this.db.read((em) =>
      em.findOne(BudgetDayEntity, { where: { provider, day } }),
    );
    if (found) return;
    try {
      await this.db.write((em) => em.insert(BudgetDayEntity, { provider, day, holdsAsked: 0 }));
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }
}

/** Metered by a provider since a moment (the usage index covers it). */
async function spentSince(em: EntityManager, provider: string, since: Date): Promise<number> {
  const [row]: { total: number | string | null }[] = await em.query(
    'SELECT COALESCE(SUM(cost_usd), 0) AS total FROM usage_records WHERE provider = ? AND created_at >= ?',
    [provider, sqlTime(em, since)],
  );
  return Number(row?.total ?? 0);
}

/** Held for a provider's submissions in flight on a day. */
async function heldOn(em: EntityManager, provider: string, day: string): Promise<number> {
  const [row]: { total: number | string | null }[] = await em.query(
    'SELECT COALESCE(SUM(amount_usd), 0) AS total FROM budget_holds WHERE provider = ? AND day = ?',
    [provider, day],
  );
  return Number(row?.total ?? 0);
}
