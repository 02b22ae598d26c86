import { createHash, timingSafeEqual } from 'node:crypto';
import { pooledRandomBytes } from '../crypto/random-pool';

/**
 * Opaque bearer secrets (refresh tokens, API keys, a project's callback token): high entropy,
 * so a SHA-256 hash is enough.
 */
export const newSecret = (bytes = 32) => pooledRandomBytes(bytes).toString('base64url');
export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
