/** Amounts closer than this are equal (sums of prices in floating point). */
const CENT_FRACTION = 1e-9;

/**
 * The daily budget's rule: a paid submission may start only when the provider's metered spend
 * of the day, the estimated costs held by submissions in flight and its own estimate stay
 * within the budget, so submissions decided together never take the day past it. Without an
 * estimate (a look at whether anything could start now) the spend and holds must be under it.
 */
export function budgetHasRoom(
  spentUsd: number,
  heldUsd: number,
  budgetUsd: number,
  amountUsd = 0,
): boolean {
  if (amountUsd <= 0) return spentUsd + heldUsd < budgetUsd;
  return spentUsd + heldUsd + amountUsd <= budgetUsd + CENT_FRACTION;
}

/**
 * A submission whose estimate alone is over the day's budget would wait for ever. A budget of 0
 * is not that: it pauses the provider (its submissions wait until it is raised).
 */
export function overWholeBudget(amountUsd: number, budgetUsd: number): boolean {
  return budgetUsd > 0 && amountUsd > budgetUsd + CENT_FRACTION;
}
