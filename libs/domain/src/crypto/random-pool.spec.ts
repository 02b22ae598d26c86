import { newSecret } from '../accounts/secrets';
import { pooledRandomBytes } from './random-pool';

describe('pooledRandomBytes', () => {
  it('gives the asked number of bytes, every draw different, across refills of the pool', () => {
    // more than one pool's worth
    const draws = Array.from({ length: 1000 }, () => pooledRandomBytes(24));
    for (const d of draws) expect(d).toHaveLength(24);
    expect(new Set(draws.map((d) => d.toString('hex'))).size).toBe(draws.length);
  });

  it('hands out copies: a later draw never changes an earlier one', () => {
    const first = pooledRandomBytes(16);
    const copy = Buffer.from(first);
    pooledRandomBytes(16);
    expect(first).toEqual(copy);
    // 16 random bytes are all zero with a chance of 2^-128: the pool's zeroing did not reach it
    expect(first.some((b) => b !== 0)).toBe(true);
  });

  it('refuses a count that is not a whole number >= 0, and draws on unharmed', () => {
    for (const bad of [-1, 1.5, Number.NaN, Infinity])
      expect(() => pooledRandomBytes(bad)).toThrow(RangeError);
    expect(pooledRandomBytes(0)).toHaveLength(0);
    const draws = Array.from({ length: 50 }, () => pooledRandomBytes(16).toString('hex'));
    expect(new Set(draws).size).toBe(50);
    expect(draws).not.toContain('0'.repeat(32));
  });

  it('gives draws larger than its pool too', () => {
    const big = pooledRandomBytes(10_000);
    expect(big).toHaveLength(10_000);
    expect(big.some((b) => b !== 0)).toBe(true);
  });

  it('makes secrets of it: base64url of the asked bytes', () => {
    expect(newSecret(24)).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(Buffer.from(newSecret(), 'base64url')).toHaveLength(32);
  });
});
