import {
  batchesWithin,
  callsFor,
  firstReadingAt,
  nextQuotaDayAt,
  nextReadingAt,
  quotaDay,
} from './reading-schedule';

const at = (iso: string) => new Date(iso);
const published = at('2026-12-01T10:00:00Z');
const plus = (ms: number) => new Date(published.getTime() + ms);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('the decaying schedule of readings', () => {
  it('reads an hour after publication, then hourly through the first day', () => {
    expect(firstReadingAt(published)).toEqual(plus(HOUR));
    expect(nextReadingAt(published, plus(HOUR))).toEqual(plus(2 * HOUR));
    // a reading that ran late does not shift the next: it stays on the hour from publication
    expect(nextReadingAt(published, plus(5 * HOUR + 20 * 60_000))).toEqual(plus(6 * HOUR));
    expect(nextReadingAt(published, plus(23 * HOUR))).toEqual(plus(DAY));
  });

  it('daily from the first day until 30 days, weekly after', () => {
    expect(nextReadingAt(published, plus(DAY))).toEqual(plus(2 * DAY));
    expect(nextReadingAt(published, plus(29 * DAY + HOUR))).toEqual(plus(30 * DAY));
    expect(nextReadingAt(published, plus(30 * DAY))).toEqual(plus(35 * DAY));
    expect(nextReadingAt(published, plus(100 * DAY))).toEqual(plus(105 * DAY));
  });

  it('is always after the reading, even for a clock behind the publication', () => {
    expect(nextReadingAt(published, plus(-5000)).getTime()).toBeGreaterThan(published.getTime());
  });
});

describe('batching within the quota', () => {
  const ids = Array.from({ length: 120 }, (_, i) => i);

  it('splits n videos into ceil(n/50) calls of at most 50', () => {
    expect(callsFor(120, 50)).toBe(3);
    expect(callsFor(50, 50)).toBe(1);
    expect(batchesWithin(ids, 50, 10).map((b) => b.length)).toEqual([50, 50, 20]);
  });

  it('makes no more calls than the quota allows, oldest due first', () => {
    const calls = batchesWithin(ids, 50, 2);
    expect(calls.map((b) => b.length)).toEqual([50, 50]);
    expect(calls[0][0]).toBe(0);
    expect(batchesWithin(ids, 50, 0)).toEqual([]);
  });
});

describe("YouTube's quota day (midnight Pacific Time)", () => {
  it('turns at 08:00 UTC in winter and 07:00 UTC in summer', () => {
    expect(quotaDay(at('2026-12-07T07:59:59Z'))).toBe('2026-12-06');
    expect(quotaDay(at('2026-12-07T08:00:00Z'))).toBe('2026-12-07');
    expect(nextQuotaDayAt(at('2026-12-07T09:30:00Z'))).toEqual(at('2026-12-08T08:00:00Z'));
    expect(nextQuotaDayAt(at('2026-07-07T09:30:00Z'))).toEqual(at('2026-07-08T07:00:00Z'));
  });
});
