import { Entity, Index, PrimaryColumn } from 'typeorm';
import { CreatedAt, Int, Num, Str } from './columns';

/**
 * A provider's day (Korea time) under a daily budget. Its row is what concurrent budget holds
 * queue on: each hold updates it first, so two submissions checked at the same moment are
 * checked one after the other.
 */
@Entity('budget_days')
export class BudgetDayEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) provider: string;
  @PrimaryColumn({ type: 'varchar', length: 10 }) day: string;
  /** how many holds were asked for on this day (granted or not) */
  @Int() holdsAsked: number;
}

/**
 * Budget held for a paid submission between its check and its usage row: the estimated cost
 * counts against the day's budget while the work is in flight, so the next check sees it.
 * Released once the usage is metered, or when the submission surely did not happen.
 */
@Entity('budget_holds')
@Index('ix_budget_holds_day', ['provider', 'day', 'amountUsd'])
export class BudgetHoldEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 }) provider: string;
  /** the submission's idempotency key */
  @PrimaryColumn({ type: 'varchar', length: 200 }) holdKey: string;
  @Str(10) day: string;
  @Num() amountUsd: number;
  @CreatedAt() createdAt: Date;
}
