import { backoffMs } from './backoff';

describe('backoff', () => {
  const opts = { baseMs: 1000, maxMs: 60_000 };

  it('grows exponentially with jitter between half and all of the ceiling', () => {
    expect(backoffMs(1, opts, () => 0)).toBe(500);
    expect(backoffMs(1, opts, () => 1)).toBe(1000);
    expect(backoffMs(3, opts, () => 0)).toBe(2000);
    expect(backoffMs(3, opts, () => 1)).toBe(4000);
  });

  it('never exceeds the maximum', () => {
    expect(backoffMs(30, opts, () => 1)).toBe(60_000);
  });

  it('honours Retry-After even when the backoff would be shorter', () => {
    expect(backoffMs(1, { ...opts, retryAfterSec: 7 }, () => 0)).toBe(7000);
    expect(backoffMs(6, { ...opts, retryAfterSec: 1 }, () => 1)).toBe(32_000);
  });
});
