import { Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { AuthNonceRepository, RefreshTokenHousekeeping } from '@app/domain';
import { LeadershipService } from './leadership.service';

/** Periodic clean-up, run by the leader only. */
@Injectable()
export class HousekeepingService {
  private readonly logger = new Logger(HousekeepingService.name);

  constructor(
    private readonly leadership: LeadershipService,
    private readonly refreshTokens: RefreshTokenHousekeeping,
    private readonly nonces: AuthNonceRepository,
  ) {}

  @Cron(CronExpression.EVERY_HOUR)
  async purgeExpiredRefreshTokens(): Promise<number> {
    if (!this.leadership.isLeader) return 0;
    const n = await this.refreshTokens.deleteExpired();
    if (n > 0) this.logger.log(`deleted ${n} expired refresh tokens`);
    return n;
  }

  @Cron(CronExpression.EVERY_10_MINUTES)
  async purgeExpiredLoginNonces(): Promise<number> {
    if (!this.leadership.isLeader) return 0;
    return this.nonces.deleteExpired();
  }
}
