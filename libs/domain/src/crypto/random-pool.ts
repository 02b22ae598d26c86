import { randomFillSync } from 'node:crypto';

/** Random bytes drawn from the system's CSPRNG a few KiB at a time, as `randomUUID` does. */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let used = 0;

/**
 * `bytes` random bytes from the system's CSPRNG, taken from a pool: a call to it per secret or
 * id was ~1% of a project creation's CPU each (bench:api). Bytes handed out are zeroed in the
 * pool, so it never holds a secret already given.
 */
export function pooledRandomBytes(bytes: number): Buffer {
  // a negative count would move `used` back onto bytes already handed out (and zeroed)
  if (!Number.isSafeInteger(bytes) || bytes < 0)
    throw new RangeError(`a count of random bytes must be a whole number >= 0 (got ${bytes})`);
  if (bytes > POOL_BYTES) return randomFillSync(Buffer.alloc(bytes));
  if (used + bytes > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafeSlow(POOL_BYTES));
    used = 0;
  }
  const taken = Buffer.from(pool.subarray(used, used + bytes));
  pool.fill(0, used, used + bytes);
  used += bytes;
  return taken;
}
