import { isoTime } from './iso-time';

describe('isoTime', () => {
  it('writes what toISOString writes: edges of days, months, leap years and the range', () => {
    const times = [
      '1970-01-01T00:00:00.000Z',
      '1999-12-31T23:59:59.999Z',
      '2000-02-29T12:00:00.005Z',
      '2000-03-01T00:00:00.000Z',
      '2024-02-29T23:59:59.999Z',
      '2026-12-07T22:11:34.587Z',
      '2100-02-28T23:59:59.999Z',
      '2100-03-01T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
    ];
    for (const t of times) expect(isoTime(new Date(t))).toBe(t);
  });

  it('writes what toISOString writes for 100,000 times from 1970 to 9999', () => {
    const wrong: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      const d = new Date(Math.floor(Math.random() * 253_402_300_800_000));
      if (isoTime(d) !== d.toISOString()) wrong.push(d.toISOString());
    }
    expect(wrong).toEqual([]);
  });

  it('leaves times before 1970 and after 9999 to toISOString, and refuses an invalid date as it does', () => {
    for (const t of [
      '1969-12-31T23:59:59.999Z',
      '0001-01-01T00:00:00.000Z',
      '+010000-01-01T00:00:00.000Z',
    ])
      expect(isoTime(new Date(t))).toBe(t);
    expect(() => isoTime(new Date(NaN))).toThrow(RangeError);
  });
});
