import { newSecret } from './secrets';

describe('newSecret', () => {
  it('gives the asked number of random bytes as base64url, every one different', () => {
    // more than one pool's worth, so secrets cross refills
    const secrets = Array.from({ length: 1000 }, () => newSecret(24));
    for (const s of secrets) {
      expect(s).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(Buffer.from(s, 'base64url')).toHaveLength(24);
    }
    expect(new Set(secrets).size).toBe(secrets.length);
    expect(Buffer.from(newSecret(), 'base64url')).toHaveLength(32);
  });

  it('gives secrets larger than its pool too', () => {
    const big = Buffer.from(newSecret(10_000), 'base64url');
    expect(big).toHaveLength(10_000);
    // 10,000 random bytes are not all zero (the pool zeroes what it hands out)
    expect(big.some((b) => b !== 0)).toBe(true);
  });
});
