import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DatabaseRouter } from '../database/database-router';
import { isDuplicateKey } from '../database/connection-errors';
import { EntityRows } from '../database/entity-rows';
import { UsageRecordEntity } from '../entities/usage.entity';

export interface CostRow {
  provider: string;
  day: string;
  calls: number;
  units: number;
  costUsd: number;
}

export class MissingPriceError extends Error {}

/** One paid call as metered: who for, which provider and operation, under which key. */
export interface MeteredCall {
  projectId: string | null;
  userId: string | null;
  provider: string;
  operation: string;
  unit: string;
  units: number;
  idempotencyKey: string | null;
}

/** A paid call's usage row as sent(): `written` when this call wrote it (with its estimate). */
export interface SentRow {
  id: string;
  written: boolean;
}

/** A resend of one key is a new paid call where the provider does not dedupe: at most this many. */
const MAX_CALLS_PER_KEY = 20;

/** A UUID-shaped id that is the same for the same metered call. */
function keyedId(provider: string, operation: string, key: string): string {
  const h = createHash('sha256').update(`${provider}\n${operation}\n${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Metering: every paid provider call, its units and its cost from the configured price table. */
@Injectable()
export class UsageRepository {
  /** raw INSERTs (EntityRows): every paid call of a step writes a row */
  private readonly rows: EntityRows<UsageRecordEntity>;

  constructor(
    private readonly db: DatabaseRouter,
    private readonly config: AppConfig,
  ) {
    this.rows = new EntityRows(db.dataSource, UsageRecordEntity, 'u');
  }

  /** USD per unit; a unit without a price is a configuration error, never a silent $0. */
  price(provider: string, unit: string): number {
    const price = this.config.prices[`${provider}:${unit}`];
    if (price === undefined)
      throw new MissingPriceError(`PRICE_TABLE has no price for ${provider}:${unit}`);
    return price;
  }

  async record(r: MeteredCall): Promise<void> {
    if (r.units <= 0) return;
    const costUsd = this.price(r.provider, r.unit) * r.units;
    // one paid call, one row: the step that sent it and a callback adopting its lost answer
    // may both meter it, so a keyed call's row id comes from the key and the second is dropped
    const id = r.idempotencyKey ? keyedId(r.provider, r.operation, r.idempotencyKey) : randomUUID();
    try {
      await this.db.write((em) =>
        this.rows.insert(em, [{ id, ...r, costUsd, createdAt: new Date() }]),
      );
    } catch (err) {
      if (!(r.idempotencyKey && isDuplicateKey(err))) throw err;
    }
  }

  /**
   * The row of a paid call about to leave, written as "sent" with its estimated units (so the
   * spend counts it from now on, and keeps counting the estimate if no answer ever comes);
   * returns it for settle(), or null for a free call (nothing to meter). The first call
   * under a key gets the key's row (the one a callback adopting its lost answer would write);
   * a resend under the same key gets that row back (`written` false: it holds what an earlier
   * call wrote) where the provider dedupes by key (it charges once), else a row of its own: it
   * is another call the provider is paid for.
   */
  async sent(
    r: MeteredCall & { idempotencyKey: string },
    dedupesByKey: boolean,
  ): Promise<SentRow | null> {
    if (r.units <= 0) return null;
    const costUsd = this.price(r.provider, r.unit) * r.units;
    for (let n = 1; n <= MAX_CALLS_PER_KEY; n++) {
      const id = keyedId(
        r.provider,
        r.operation,
        n === 1 ? r.idempotencyKey : `${r.idempotencyKey}#${n}`,
      );
      try {
        await this.db.write((em) =>
          this.rows.insert(em, [{ id, ...r, costUsd, status: 'sent', createdAt: new Date() }]),
        );
        return { id, written: true };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        if (dedupesByKey) return { id, written: false };
      }
    }
    throw new Error(`more than ${MAX_CALLS_PER_KEY} paid calls under ${r.idempotencyKey}`);
  }

  /**
   * A sent call's row takes what the answer says it used (in place: the spend counts the call
   * once); an answer that used nothing billable takes the row away.
   */
  async settle(id: string, u: Pick<MeteredCall, 'provider' | 'unit' | 'units'>): Promise<void> {
    if (u.units <= 0) {
      await this.db.write((em) => em.delete(UsageRecordEntity, { id }));
      return;
    }
    const costUsd = this.price(u.provider, u.unit) * u.units;
    const settled = { provider: u.provider, unit: u.unit, units: u.units, costUsd };
    await this.db.write((em) =>
      em.update(UsageRecordEntity, { id }, { ...settled, status: 'settled' }),
    );
  }

  /**
   * A paid call whose answer was lost, recovered from the provider's callback: its row written
   * as "sent" before the call takes the recovered usage and is settled (recovery must not take
   * it for a call the provider never got); where no row was written, one is recorded.
   */
  async recovered(r: MeteredCall & { idempotencyKey: string }): Promise<void> {
    if (r.units <= 0) return;
    const costUsd = this.price(r.provider, r.unit) * r.units;
    const id = keyedId(r.provider, r.operation, r.idempotencyKey);
    const settled = { unit: r.unit, units: r.units, costUsd, status: 'settled' as const };
    const u = await this.db.write((em) =>
      em.update(UsageRecordEntity, { id, status: 'sent' }, settled),
    );
    if ((u.affected ?? 0) === 0) await this.record(r);
  }

  /**
   * Sent calls under a key that no sign of ever came back for (no answer, no callback): taken
   * away before the work is submitted anew, as the provider never got them.
   */
  async dropUnanswered(provider: string, operation: string, key: string): Promise<number> {
    const r = await this.db.write((em) =>
      em.delete(UsageRecordEntity, { provider, operation, idempotencyKey: key, status: 'sent' }),
    );
    return r.affected ?? 0;
  }

  /** Spent by a provider since a moment (the budget check reads the primary: it must be current). */
  async spentSince(provider: string, since: Date): Promise<number> {
    const row = await this.db.read((em) =>
      em
        .createQueryBuilder(UsageRecordEntity, 'u')
        .select('COALESCE(SUM(u.cost_usd), 0)', 'total')
        .where('u.provider = :provider AND u.created_at >= :since', { provider, since })
        .getRawOne<{ total: number | string }>(),
    );
    return Number(row?.total ?? 0);
  }

  forProject(projectId: string): Promise<UsageRecordEntity[]> {
    return this.db.read((em) =>
      em.find(UsageRecordEntity, { where: { projectId }, order: { createdAt: 'ASC' } }),
    );
  }

  /** Per provider and day (UTC dates) between two moments; a report, so a replica serves it. */
  async costByDay(from: Date, to: Date): Promise<CostRow[]> {
    // DATE() means the same on MySQL and SQLite; the database adds it all up
    const rows = await this.db.read((em) =>
      em
        .createQueryBuilder(UsageRecordEntity, 'u')
        .select('u.provider', 'provider')
        .addSelect('DATE(u.created_at)', 'day')
        .addSelect('COUNT(*)', 'calls')
        .addSelect('SUM(u.units)', 'units')
        .addSelect('SUM(u.cost_usd)', 'cost')
        .where('u.created_at >= :from AND u.created_at < :to', { from, to })
        .groupBy('u.provider')
        .addGroupBy('DATE(u.created_at)')
        .orderBy('day')
        .addOrderBy('provider')
        .getRawMany<{
          provider: string;
          day: string | Date;
          calls: number | string;
          units: number | string;
          cost: number | string;
        }>(),
    );
    return rows.map((r) => ({
      provider: r.provider,
      day: r.day instanceof Date ? r.day.toISOString().slice(0, 10) : String(r.day).slice(0, 10),
      calls: Number(r.calls),
      units: Number(r.units),
      costUsd: Number(r.cost),
    }));
  }
}
