import { randomInt } from 'node:crypto';

/**
 * How a new project takes one of its owner's `limit` places of the day. The INSERT that takes
 * a place is the check: a unique index gives each place to one project only, so the limit holds
 * under concurrent requests without counting rows or locking a shared one. A place is picked at
 * random; only when it is taken are the day's taken places read.
 */
export interface QuotaPlaces<T> {
  /** Takes place `slot`; throws a unique violation when another project holds it. */
  takeAt(slot: number): Promise<T>;
  /** A place nobody holds yet, or null when all are taken. */
  freeSlot(): Promise<number | null>;
}

/** What trying for a place came to: the insert's result, or no place left. */
export type QuotaOutcome<T> = { placed: true; value: T } | { placed: false };

/** Beyond a small limit, how many taken places are tried before the error stands. */
const MAX_SLOT_ATTEMPTS = 16;

export async function takeQuotaPlace<T>(
  limit: number,
  places: QuotaPlaces<T>,
  random: (max: number) => number = randomInt,
): Promise<QuotaOutcome<T>> {
  let slot = random(limit);
  // a refused place was taken by a committed project (InnoDB waits for the other insert to
  // end), and the next read sees it: each refusal takes one more place out of the draw
  const attempts = Math.min(limit, MAX_SLOT_ATTEMPTS) + 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return { placed: true, value: await places.takeAt(slot) };
    } catch (err) {
      if (!isUniqueViolation(err) || attempt >= attempts) throw err;
    }
    const free = await places.freeSlot();
    if (free === null) return { placed: false };
    slot = free;
  }
}

/** A place of the `limit` that is not `taken`, or null when all are taken. */
export function pickFreeSlot(
  taken: Iterable<number>,
  limit: number,
  random: (max: number) => number = randomInt,
): number | null {
  const held = new Set([...taken].filter((n) => n < limit));
  if (held.size >= limit) return null;
  // at random among the free ones: concurrent requests rarely pick the same
  for (;;) {
    const slot = random(limit);
    if (!held.has(slot)) return slot;
  }
}

/** A unique index refused the row (MySQL/MariaDB ER_DUP_ENTRY, SQLite's UNIQUE constraint). */
export function isUniqueViolation(err: unknown): boolean {
  const driver = (err as { driverError?: { code?: string } }).driverError;
  return driver?.code === 'ER_DUP_ENTRY' || driver?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}
