import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DatabaseRouter } from '../database/database-router';
import { UsageRecordEntity } from '../entities/usage.entity';

/** Prices per unit, USD, by provider and unit (a configurable table later; estimates now). */
export const DEFAULT_PRICES: Record<string, number> = {
  'openai:1k_tokens': 0.005,
  'suno:song': 0.1,
  'creatomate:render_second': 0.03,
};

@Injectable()
export class UsageRepository {
  constructor(private readonly db: DatabaseRouter) {}

  async record(r: { projectId: string | null; userId: string | null; provider: string; operation: string; unit: string; units: number; idempotencyKey: string | null }): Promise<void> {
    if (r.units <= 0) return;
    const costUsd = (DEFAULT_PRICES[`${r.provider}:${r.unit}`] ?? 0) * r.units;
    await this.db.write((em) => em.insert(UsageRecordEntity, { id: randomUUID(), ...r, costUsd, createdAt: new Date() }));
  }
}
