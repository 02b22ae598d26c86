import { createHash, randomFillSync, timingSafeEqual } from 'node:crypto';

/** Random bytes drawn from the system's CSPRNG a few KiB at a time, as `randomUUID` does. */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let used = 0;

/**
 * Opaque bearer secrets (refresh tokens, API keys, a project's callback token): high entropy,
 * so a SHA-256 hash is enough. Taken from a pool: a call to the CSPRNG per secret was ~1% of a
 * project creation's CPU (bench:api). Bytes handed out are zeroed in the pool.
 */
export function newSecret(bytes = 32): string {
  if (bytes > POOL_BYTES) return randomFillSync(Buffer.alloc(bytes)).toString('base64url');
  if (used + bytes > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafeSlow(POOL_BYTES));
    used = 0;
  }
  const secret = pool.toString('base64url', used, used + bytes);
  pool.fill(0, used, used + bytes);
  used += bytes;
  return secret;
}

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
