import { totalsByProvider } from './usage-totals';

describe('totalsByProvider', () => {
  const day = (d: string, provider: string, calls: number, costUsd: number) => ({
    day: d,
    provider,
    calls,
    units: calls * 2,
    costUsd,
  });

  it('adds up each provider over the days, and the whole', () => {
    const r = totalsByProvider([
      day('2026-11-01', 'suno', 3, 0.3),
      day('2026-11-01', 'ffmpeg', 2, 0.03),
      day('2026-11-02', 'suno', 1, 0.1),
    ]);
    expect(r.totals).toEqual([
      { provider: 'suno', calls: 4, units: 8, costUsd: expect.closeTo(0.4, 9) },
      { provider: 'ffmpeg', calls: 2, units: 4, costUsd: 0.03 },
    ]);
    expect(r.totalUsd).toBeCloseTo(0.43, 9);
  });

  it('keeps a zero row for providers that must always be listed', () => {
    const r = totalsByProvider([day('2026-11-01', 'suno', 1, 0.1)], ['creatomate', 'suno']);
    expect(r.totals.map((t) => [t.provider, t.calls])).toEqual([
      ['creatomate', 0],
      ['suno', 1],
    ]);
  });
});
