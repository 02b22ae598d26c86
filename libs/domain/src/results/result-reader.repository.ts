import { Injectable } from '@nestjs/common';
import type { SocialPlatform } from '@app/integrations';
import { DatabaseRouter } from '../database/database-router';
import { ResultQuotaDayEntity, ResultReaderEntity } from '../entities/results.entity';
import { LeasedTable } from '../work/leased-table';

export type ResultReaderPatch = Partial<Omit<ResultReaderEntity, 'id' | 'createdAt'>>;

/**
 * The leased work of reading results (one reader per account, see ResultReaderEntity) and the
 * daily quota it spends (the per-video schedule is on the publications).
 */
@Injectable()
export class ResultReaderRepository extends LeasedTable<ResultReaderEntity> {
  constructor(private readonly database: DatabaseRouter) {
    // its claims, heartbeats, fenced writes and lease clean-up are the engine's own
    super(database, ResultReaderEntity, 'result_readers', 'r');
  }

  findById(id: string): Promise<ResultReaderEntity | null> {
    return this.database.read((em) => em.findOne(ResultReaderEntity, { where: { id } }));
  }

  /**
   * A video of the account was published, its first reading due at `dueAt`: the account's
   * reader exists and is due no later than that (a parked one stays parked).
   */
  async dueBy(accountId: string, platform: SocialPlatform, dueAt: Date): Promise<void> {
    await this.database.transaction(async (em) => {
      const found = await em.findOne(ResultReaderEntity, { where: { id: accountId } });
      if (!found) {
        const now = new Date();
        await em.insert(ResultReaderEntity, {
          id: accountId,
          platform,
          state: 'reading',
          nextRunAt: dueAt,
          attempts: 0,
          lastError: null,
          leaseOwner: null,
          leaseUntil: null,
          createdAt: now,
          updatedAt: now,
        });
      } else if (found.state === 'reading' && (!found.nextRunAt || found.nextRunAt > dueAt))
        await em.update(ResultReaderEntity, { id: accountId }, { nextRunAt: dueAt });
    });
  }

  /** The account's grant died: its reader waits for a reconnect, asking nothing. */
  async park(accountId: string, reason: string): Promise<void> {
    await this.database.write((em) =>
      em.update(
        ResultReaderEntity,
        { id: accountId },
        { state: 'parked', lastError: reason, nextRunAt: null },
      ),
    );
  }

  /** The account is connected again: its parked reader reads at once. */
  async resume(accountId: string, now = new Date()): Promise<void> {
    await this.database.write((em) =>
      em.update(
        ResultReaderEntity,
        { id: accountId, state: 'parked' },
        { state: 'reading', lastError: null, attempts: 0, nextRunAt: now },
      ),
    );
  }

  async delete(accountId: string): Promise<void> {
    await this.database.write((em) => em.delete(ResultReaderEntity, { id: accountId }));
  }

  /**
   * Takes up to `wanted` quota units of the platform's `day` out of `quota` and returns how
   * many it got (0 when the day is spent): a compare-and-set on the day's row, so two runs at
   * once never spend more than the quota between them.
   */
  async takeQuota(platform: string, day: string, wanted: number, quota: number): Promise<number> {
    for (let tries = 0; tries < 5; tries++) {
      const row = await this.database.write(async (em) => {
        await em
          .createQueryBuilder()
          .insert()
          .into(ResultQuotaDayEntity)
          .values({ platform, day, unitsUsed: 0 })
          .orIgnore()
          .execute();
        return em.findOneOrFail(ResultQuotaDayEntity, { where: { platform, day } });
      });
      const granted = Math.min(wanted, quota - row.unitsUsed);
      if (granted <= 0) return 0;
      const r = await this.database.write((em) =>
        em.update(
          ResultQuotaDayEntity,
          { platform, day, unitsUsed: row.unitsUsed },
          { unitsUsed: row.unitsUsed + granted },
        ),
      );
      if (r.affected === 1) return granted;
    }
    return 0;
  }

  /** Units of the day's quota spent so far. */
  async quotaUsed(platform: string, day: string): Promise<number> {
    const row = await this.database.read((em) =>
      em.findOne(ResultQuotaDayEntity, { where: { platform, day } }),
    );
    return row?.unitsUsed ?? 0;
  }

  /** Claims up to `limit` readers due at `now` (the Clock's) for `owner` (see LeasedTable). */
  claimDueReaders(owner: string, limit: number, leaseMs: number, now: Date) {
    return this.claimDue(owner, ['reading'], limit, leaseMs, now);
  }
}
