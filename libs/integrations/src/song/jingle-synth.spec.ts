import { planJingle, withChorusBars } from './jingle-synth';

describe('planJingle: the synth composes to the length asked, with an ending', () => {
  const cases = [15, 20, 30, 60].flatMap((len) =>
    ['bright', 'calm', 'energetic', 'emotional'].map((mood) => [len, mood] as const),
  );

  it.each(cases)(
    '%d s, %s: exactly that long, bar-aligned, lines on beats before a 3 s ending',
    (len, mood) => {
      const sections = [4, 4, 2];
      const plan = planJingle(len, mood, sections);
      expect(plan.durationSec).toBe(len);
      expect(plan.bars * ((4 * 60) / plan.bpm)).toBeCloseTo(len, 6);
      expect(plan.beatTimes).toHaveLength(plan.bars * 4);
      expect(plan.lineTimings).toHaveLength(10);
      const beats = new Set(plan.beatTimes);
      for (const t of plan.lineTimings) expect(beats.has(t)).toBe(true);
      expect([...plan.lineTimings].sort((a, b) => a - b)).toEqual(plan.lineTimings);
      expect(new Set(plan.lineTimings).size).toBe(plan.lineTimings.length);
      expect(plan.lineTimings[0]).toBeGreaterThan(0); // an intro first
      expect(plan.lineTimings[9]).toBeLessThan(plan.endingStartSec);
      expect(plan.endingStartSec).toBeLessThanOrEqual(len - 3);
      expect(plan.barRoles[plan.bars - 1]).toBe('final');
      // sections start on bar lines
      const barSec = len / plan.bars;
      for (const s of plan.sectionTimings)
        expect(Math.abs(s / barSec - Math.round(s / barSec))).toBeLessThan(0.001);
    },
  );

  it('keeps the mood’s tempo within a few percent', () => {
    for (const len of [15, 20, 30, 60]) {
      expect(Math.abs(planJingle(len, 'calm', [4]).bpm - 80) / 80).toBeLessThan(0.12);
      expect(Math.abs(planJingle(len, 'energetic', [4]).bpm - 128) / 128).toBeLessThan(0.12);
    }
  });

  it('fits many lines into a short jingle on beats', () => {
    const plan = planJingle(15, 'calm', [6, 6, 6, 6, 6, 6, 6]);
    expect(plan.lineTimings).toHaveLength(42);
    expect(plan.lineTimings[41]).toBeLessThan(plan.endingStartSec);
  });

  it('plays chorus bars fuller', () => {
    const sections = [4, 4, 2];
    const plan = withChorusBars(
      planJingle(30, 'bright', sections),
      ['verse', 'chorus', 'outro'],
      sections,
    );
    expect(plan.barRoles).toContain('chorus');
    expect(plan.barRoles.filter((r) => r === 'chorus').length).toBeGreaterThan(1);
  });
});
