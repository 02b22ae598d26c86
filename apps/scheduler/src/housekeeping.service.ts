import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { Housekeeping, WorkClaims } from '@app/domain';
import { LeadershipService } from './leadership.service';

/** Periodic clean-up, run by the leader only. */
@Injectable()
export class HousekeepingService {
  private readonly logger = new Logger(HousekeepingService.name);

  constructor(
    private readonly leadership: LeadershipService,
    private readonly housekeeping: Housekeeping,
    private readonly claims: WorkClaims,
  ) {}

  @Cron(CronExpression.EVERY_MINUTE)
  async clearExpiredLeases(): Promise<number> {
    if (!this.leadership.isLeader) return 0;
    return this.claims.clearExpiredLeases();
  }

  /** Projects left waiting for their owner for 30 days are cancelled. */
  @Cron(CronExpression.EVERY_HOUR)
  async cancelAbandonedProjects(now = new Date()): Promise<number> {
    if (!this.leadership.isLeader) return 0;
    const n = await this.housekeeping.cancelAbandonedProjects(now);
    if (n > 0) this.logger.log(`cancelled ${n} projects abandoned at an owner step`);
    return n;
  }

  @Cron(CronExpression.EVERY_HOUR)
  async purgeExpiredRefreshTokens(): Promise<number> {
    if (!this.leadership.isLeader) return 0;
    const n = await this.housekeeping.purgeExpiredRefreshTokens();
    if (n > 0) this.logger.log(`deleted ${n} expired refresh tokens`);
    return n;
  }

  @Cron(CronExpression.EVERY_10_MINUTES)
  async purgeExpiredLoginNonces(): Promise<number> {
    if (!this.leadership.isLeader) return 0;
    return this.housekeeping.purgeExpiredLoginNonces();
  }

  /** Idempotency-Key records are replayed for 24 hours, then go */
  @Cron(CronExpression.EVERY_HOUR)
  async purgeExpiredIdempotencyKeys(): Promise<number> {
    if (!this.leadership.isLeader) return 0;
    return this.housekeeping.purgeExpiredIdempotencyKeys();
  }

  /** Readings of published videos' results are kept RESULTS_RETENTION_DAYS */
  @Cron(CronExpression.EVERY_HOUR)
  async purgeOldReadings(): Promise<number> {
    if (!this.leadership.isLeader) return 0;
    const n = await this.housekeeping.purgeOldReadings();
    if (n > 0) this.logger.log(`deleted ${n} readings of results past their retention`);
    return n;
  }

  /** Budget holds and day rows of days before yesterday (Korea time) */
  @Cron(CronExpression.EVERY_HOUR)
  async purgePastBudgetDays(): Promise<number> {
    if (!this.leadership.isLeader) return 0;
    return this.housekeeping.purgePastBudgetDays();
  }
}
