/**
 * The daily budget's rule: a paid submission may start while the provider's metered spend of
 * the day plus the estimated costs held by submissions in flight is below the budget. The last
 * one admitted may pass the budget by its own cost, never by another's.
 */
export function budgetHasRoom(spentUsd: number, heldUsd: number, budgetUsd: number): boolean {
  return spentUsd + heldUsd < budgetUsd;
}
