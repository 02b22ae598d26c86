import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DatabaseRouter } from '../database/database-router';
import { UsageRecordEntity } from '../entities/usage.entity';

export interface CostRow {
  provider: string;
  day: string;
  calls: number;
  units: number;
  costUsd: number;
}

export class MissingPriceError extends Error {}

/** Metering: every paid provider call, its units and its cost from the configured price table. */
@Injectable()
export class UsageRepository {
  constructor(
    private readonly db: DatabaseRouter,
    private readonly config: AppConfig,
  ) {}

  /** USD per unit; a unit without a price is a configuration error, never a silent $0. */
  price(provider: string, unit: string): number {
    const price = this.config.prices[`${provider}:${unit}`];
    if (price === undefined)
      throw new MissingPriceError(`PRICE_TABLE has no price for ${provider}:${unit}`);
    return price;
  }

  async record(r: {
    projectId: string | null;
    userId: string | null;
    provider: string;
    operation: string;
    unit: string;
    units: number;
    idempotencyKey: string | null;
  }): Promise<void> {
    if (r.units <= 0) return;
    const costUsd = this.price(r.provider, r.unit) * r.units;
    await this.db.write((em) =>
      em.insert(UsageRecordEntity, { id: randomUUID(), ...r, costUsd, createdAt: new Date() }),
    );
  }

  /** Spent by a provider since a moment (the budget check reads the primary: it must be current). */
  async spentSince(provider: string, since: Date): Promise<number> {
    const row = await this.db.readPrimary((em) =>
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
