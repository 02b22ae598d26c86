import { AuthNonceRepository } from '../accounts/auth-nonce.repository';
import { IdempotencyRepository } from '../idempotency/idempotency.repository';
import { ProjectHousekeepingRepository } from '../pipeline/project-housekeeping.repository';
import { AppConfig } from '../config/app-config';
import { VideoReadingRepository } from '../results/video-reading.repository';
import { BudgetHoldRepository } from '../pipeline/budget-hold.repository';
import { Housekeeping } from './housekeeping';
import { RefreshTokenHousekeeping } from './refresh-token-housekeeping.repository';

/** Housekeeping over doubles: only the repositories a rule uses are given. */
function housekeepingWith(over: { abandoned?: object; budgets?: object } = {}): Housekeeping {
  return new Housekeeping(
    (over.abandoned ?? {}) as ProjectHousekeepingRepository,
    {} as RefreshTokenHousekeeping,
    {} as AuthNonceRepository,
    {} as IdempotencyRepository,
    {} as VideoReadingRepository,
    {} as AppConfig,
    (over.budgets ?? {}) as BudgetHoldRepository,
  );
}

describe('Housekeeping', () => {
  it('gives up on projects left waiting for their owner for 30 days', async () => {
    const cutoffs: Date[] = [];
    const abandoned = { cancelAbandoned: async (before: Date) => (cutoffs.push(before), 3) };
    const housekeeping = housekeepingWith({ abandoned });
    const now = new Date('2026-03-31T12:00:00Z');
    expect(await housekeeping.cancelAbandonedProjects(now)).toBe(3);
    expect(cutoffs).toEqual([new Date('2026-03-01T12:00:00Z')]);
  });

  it('purges the daily budgets of days before yesterday in Korea', async () => {
    const before: string[] = [];
    const budgets = { purgeBefore: async (day: string) => (before.push(day), 4) };
    const housekeeping = housekeepingWith({ budgets });
    // 01:00 KST on 1 April: today is 04-01 there, yesterday 03-31 is kept
    expect(await housekeeping.purgePastBudgetDays(new Date('2026-03-31T16:00:00Z'))).toBe(4);
    expect(before).toEqual(['2026-03-31']);
  });

  it('purges readings of results older than RESULTS_RETENTION_DAYS', async () => {
    const cutoffs: Date[] = [];
    const readings = { purgeBefore: async (before: Date) => (cutoffs.push(before), 7) };
    const housekeeping = new Housekeeping(
      {} as ProjectHousekeepingRepository,
      {} as RefreshTokenHousekeeping,
      {} as AuthNonceRepository,
      {} as IdempotencyRepository,
      readings as unknown as VideoReadingRepository,
      { results: { retentionDays: 400, dailyQuota: {} } } as unknown as AppConfig,
      {} as BudgetHoldRepository,
    );
    expect(await housekeeping.purgeOldReadings(new Date('2026-12-07T12:00:00Z'))).toBe(7);
    expect(cutoffs).toEqual([new Date('2025-11-02T12:00:00Z')]);
  });
});
