/** In-memory doubles of metering and the budget holds, for the step specs (not a test itself). */
import type { BudgetHoldRepository, HoldRequest } from '../budget-hold.repository';
import { budgetHasRoom } from '../budget-rule';
import type { UsageRepository } from '../usage.repository';

/** Usage rows as the repository keeps them: one per (provider, operation, key), none for 0 units. */
export class InMemoryUsage {
  readonly rows: Parameters<UsageRepository['record']>[0][] = [];
  readonly spent: Record<string, number> = {};
  async record(r: Parameters<UsageRepository['record']>[0]) {
    if (r.units <= 0) return;
    const same = (x: typeof r) =>
      x.provider === r.provider &&
      x.operation === r.operation &&
      x.idempotencyKey === r.idempotencyKey;
    if (r.idempotencyKey && this.rows.some(same)) return;
    this.rows.push(r);
  }
  async spentSince(provider: string) {
    return this.spent[provider] ?? 0;
  }
  /** USD per unit: `prices` by `provider:unit`, else $1 */
  readonly prices: Record<string, number> = {};
  price(provider: string, unit: string) {
    return this.prices[`${provider}:${unit}`] ?? 1;
  }
  as = () => this as unknown as UsageRepository;
}

/**
 * Budget holds as the repository keeps them, on the same rule (budgetHasRoom), over a spend
 * by provider; one decision at a time, as the day's row makes them in the database.
 */
export class InMemoryBudgetHolds {
  /** held USD by `provider:key` */
  readonly held = new Map<string, number>();
  constructor(private readonly spent: Record<string, number>) {}
  async hold(r: HoldRequest) {
    const mine = `${r.provider}:${r.key}`;
    const spentUsd = this.spent[r.provider] ?? 0;
    const heldUsd = this.heldBy(r.provider);
    if (this.held.has(mine)) return { held: true, spentUsd, heldUsd };
    if (!budgetHasRoom(spentUsd, heldUsd, r.budgetUsd)) return { held: false, spentUsd, heldUsd };
    this.held.set(mine, r.amountUsd);
    return { held: true, spentUsd, heldUsd: heldUsd + r.amountUsd };
  }
  async release(provider: string, key: string) {
    this.held.delete(`${provider}:${key}`);
  }
  async standing(provider: string) {
    return { spentUsd: this.spent[provider] ?? 0, heldUsd: this.heldBy(provider) };
  }
  private heldBy(provider: string) {
    return [...this.held]
      .filter(([k]) => k.startsWith(`${provider}:`))
      .reduce((a, [, v]) => a + v, 0);
  }
  as = () => this as unknown as BudgetHoldRepository;
}
