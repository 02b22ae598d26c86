const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * When a published video's figures are read next: hourly on its first day (when they move
 * most), daily until it is 30 days old, weekly after. Counted from publication, so a reading
 * that ran late does not shift the ones after it; never before `readAt`.
 */
export function nextReadingAt(publishedAt: Date, readAt: Date): Date {
  const age = readAt.getTime() - publishedAt.getTime();
  const step = age < DAY_MS ? HOUR_MS : age < 30 * DAY_MS ? DAY_MS : 7 * DAY_MS;
  // the next whole step after the reading, counted from publication
  const steps = Math.floor(Math.max(age, 0) / step) + 1;
  return new Date(publishedAt.getTime() + steps * step);
}

/** The first reading: an hour after publication (the platforms count nothing sooner). */
export function firstReadingAt(publishedAt: Date): Date {
  return new Date(publishedAt.getTime() + HOUR_MS);
}

/** `ids` in calls of at most `batch` each, as many calls as `callsAllowed` lets through. */
export function batchesWithin<T>(ids: T[], batch: number, callsAllowed: number): T[][] {
  const calls: T[][] = [];
  for (let i = 0; i < ids.length && calls.length < callsAllowed; i += batch)
    calls.push(ids.slice(i, i + batch));
  return calls;
}

/** How many calls reading `n` videos takes, `batch` per call. */
export const callsFor = (n: number, batch: number): number => Math.ceil(n / batch);

/**
 * The quota day a moment falls in: YouTube's daily quota resets at midnight Pacific Time
 * (https://developers.google.com/youtube/v3/getting-started#quota).
 */
export function quotaDay(at: Date): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'America/Los_Angeles',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

/** The first moment of the next quota day after `at` (searched by the hour: DST-safe). */
export function nextQuotaDayAt(at: Date): Date {
  const today = quotaDay(at);
  let t = Math.ceil(at.getTime() / HOUR_MS) * HOUR_MS;
  while (quotaDay(new Date(t)) === today) t += HOUR_MS;
  return new Date(t);
}
