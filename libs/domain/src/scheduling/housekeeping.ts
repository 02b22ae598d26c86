import { Injectable } from '@nestjs/common';
import { AuthNonceRepository } from '../accounts/auth-nonce.repository';
import { IdempotencyRepository } from '../idempotency/idempotency.repository';
import { ProjectHousekeepingRepository } from '../pipeline/project-housekeeping.repository';
import { AppConfig } from '../config/app-config';
import { BudgetHoldRepository } from '../pipeline/budget-hold.repository';
import { quotaWindow } from '../pipeline/quota-window';
import { VideoReadingRepository } from '../results/video-reading.repository';
import { RefreshTokenHousekeeping } from './refresh-token-housekeeping.repository';

/** A project left waiting for its owner this long is given up on. */
const ABANDONED_AFTER_MS = 30 * 86_400_000;

/** The periodic clean-up's rules; the scheduler's leader runs them on its crons. */
@Injectable()
export class Housekeeping {
  constructor(
    private readonly abandoned: ProjectHousekeepingRepository,
    private readonly refreshTokens: RefreshTokenHousekeeping,
    private readonly nonces: AuthNonceRepository,
    private readonly idempotencyKeys: IdempotencyRepository,
    private readonly readings: VideoReadingRepository,
    private readonly config: AppConfig,
    private readonly budgets: BudgetHoldRepository,
  ) {}

  /** Projects left waiting for their owner for 30 days are cancelled. */
  cancelAbandonedProjects(now = new Date()): Promise<number> {
    return this.abandoned.cancelAbandoned(new Date(now.getTime() - ABANDONED_AFTER_MS));
  }

  purgeExpiredRefreshTokens(): Promise<number> {
    return this.refreshTokens.deleteExpired();
  }

  purgeExpiredLoginNonces(): Promise<number> {
    return this.nonces.deleteExpired();
  }

  /** Idempotency-Key records are replayed for 24 hours, then go. */
  purgeExpiredIdempotencyKeys(): Promise<number> {
    return this.idempotencyKeys.deleteExpired();
  }

  /** Readings of videos' results are kept RESULTS_RETENTION_DAYS, then go. */
  purgeOldReadings(now = new Date()): Promise<number> {
    const days = this.config.results.retentionDays;
    return this.readings.purgeBefore(new Date(now.getTime() - days * 86_400_000));
  }

  /**
   * The daily budgets' holds and day rows go once their day is over, yesterday's kept as slack
   * for a submission in flight across midnight (its hold no longer counts either way).
   */
  purgePastBudgetDays(now = new Date()): Promise<number> {
    const { day } = quotaWindow(new Date(now.getTime() - 86_400_000));
    return this.budgets.purgeBefore(day);
  }
}
