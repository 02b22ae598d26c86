import { isUUID } from 'class-validator';
import { timeOrderedId } from './time-ordered-id';

describe('timeOrderedId', () => {
  it('is a version 7 UUID that every UUID check of ours accepts', () => {
    const id = timeOrderedId(new Date('2026-12-08T00:00:00.000Z'));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(isUUID(id)).toBe(true);
  });

  it('starts with the time in milliseconds', () => {
    const at = new Date('2026-12-08T01:02:03.456Z');
    const hex = timeOrderedId(at).replace(/-/g, '').slice(0, 12);
    expect(parseInt(hex, 16)).toBe(at.getTime());
  });

  it('sorts in the order of its times, as text (an index on it grows at its end)', () => {
    const start = Date.parse('2026-12-08T00:00:00.000Z');
    const ids = Array.from({ length: 200 }, (_, i) => timeOrderedId(new Date(start + i * 37)));
    expect([...ids].sort()).toEqual(ids);
  });

  it('differs between ids of the same millisecond', () => {
    const at = new Date();
    const ids = new Set(Array.from({ length: 1000 }, () => timeOrderedId(at)));
    expect(ids.size).toBe(1000);
  });
});
