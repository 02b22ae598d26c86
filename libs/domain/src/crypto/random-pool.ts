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
