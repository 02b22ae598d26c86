import type { CostRow } from './usage.repository';

export interface ProviderTotal {
  provider: string;
  calls: number;
  units: number;
  costUsd: number;
}

/**
 * Per-provider totals of metered days (the admin usage report and `cost:report` both add them
 * up here). `always` names providers that get a row even when unused (zero).
 */
export function totalsByProvider(
  days: CostRow[],
  always: string[] = [],
): { totals: ProviderTotal[]; totalUsd: number } {
  const totals = new Map<string, ProviderTotal>(
    always.map((provider) => [provider, { provider, calls: 0, units: 0, costUsd: 0 }]),
  );
  for (const d of days) {
    const t = totals.get(d.provider) ?? { provider: d.provider, calls: 0, units: 0, costUsd: 0 };
    t.calls += d.calls;
    t.units += d.units;
    t.costUsd += d.costUsd;
    totals.set(d.provider, t);
  }
  return {
    totals: [...totals.values()],
    totalUsd: days.reduce((sum, d) => sum + d.costUsd, 0),
  };
}
