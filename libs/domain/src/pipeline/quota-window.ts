const KST_OFFSET_MS = 9 * 3600 * 1000;

/** Today in Korea: from 00:00 KST to the next 00:00 KST, and its date (YYYY-MM-DD). */
export function quotaWindow(now: Date): { since: Date; resetsAt: Date; day: string } {
  const kst = new Date(now.getTime() + KST_OFFSET_MS);
  const midnightKst =
    Date.UTC(kst.getUTCFullYear(), kst.getUTCMonth(), kst.getUTCDate()) - KST_OFFSET_MS;
  return {
    since: new Date(midnightKst),
    resetsAt: new Date(midnightKst + 86_400_000),
    day: kst.toISOString().slice(0, 10),
  };
}
