/** In-memory doubles of metering and the budget holds, for the step specs (not a test itself). */
import type { BudgetHoldRepository, HoldRequest } from '../budget-hold.repository';
import { budgetHasRoom } from '../budget-rule';
import type { MeteredCall, UsageRepository } from '../usage.repository';

type Row = MeteredCall & { id?: string; status?: 'sent' | 'settled' };

/**
 * Usage rows as the repository keeps them: one per (provider, operation, key) when recorded,
 * none for 0 units; a sent row per paid call (a resend of a key gets its own unless it dedupes).
 */
export class InMemoryUsage {
  readonly rows: Row[] = [];
  readonly spent: Record<string, number> = {};
  async record(r: MeteredCall) {
    if (r.units <= 0) return;
    const same = (x: typeof r) =>
      x.provider === r.provider &&
      x.operation === r.operation &&
      x.idempotencyKey === r.idempotencyKey;
    if (r.idempotencyKey && this.rows.some(same)) return;
    this.rows.push(r);
  }
  async sent(r: MeteredCall & { idempotencyKey: string }, dedupesByKey: boolean) {
    if (r.units <= 0) return null;
    const ids = (n: number) => `${r.provider}/${r.operation}/${r.idempotencyKey}#${n}`;
    let n = 1;
    while (this.rows.some((x) => x.id === ids(n))) {
      if (dedupesByKey) return { id: ids(n), written: false };
      n++;
    }
    this.rows.push({ ...r, id: ids(n), status: 'sent' });
    return { id: ids(n), written: true };
  }
  async settle(id: string, u: Pick<MeteredCall, 'provider' | 'unit' | 'units'>) {
    const i = this.rows.findIndex((x) => x.id === id);
    if (u.units <= 0) this.rows.splice(i, 1);
    else
      this.rows[i] = {
        ...this.rows[i],
        provider: u.provider,
        unit: u.unit,
        units: u.units,
        status: 'settled',
      };
  }
  async dropUnanswered(provider: string, operation: string, key: string) {
    const gone = (x: Row) =>
      x.status === 'sent' &&
      x.provider === provider &&
      x.operation === operation &&
      x.idempotencyKey === key;
    const before = this.rows.length;
    this.rows.splice(0, this.rows.length, ...this.rows.filter((x) => !gone(x)));
    return before - this.rows.length;
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
    if (!budgetHasRoom(spentUsd, heldUsd, r.budgetUsd, r.amountUsd))
      return { held: false, spentUsd, heldUsd };
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
