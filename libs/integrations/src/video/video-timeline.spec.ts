import { planJingle } from '../song/jingle-synth';
import { captionsShown, END_CARD_SEC, planTimeline, textWidth, wrapText } from './video-timeline';
import { VIDEO_TEMPLATE_IDS, videoTemplate } from './video-template';

describe('the video timeline', () => {
  const cases = VIDEO_TEMPLATE_IDS.flatMap((t) =>
    [15, 20, 30, 60].flatMap((len) => [0, 1, 3, 6, 12].map((n) => [t, len, n] as const)),
  );

  it.each(cases)(
    '%s, %d s, %d photos: every photo, cuts on beats, nothing still for 3 s',
    (t, len, n) => {
      const tpl = videoTemplate(t);
      const beats = planJingle(len, 'bright', [4, 4]).beatTimes;
      const tl = planTimeline(len, n || 5, beats, tpl);
      const visuals = new Set(tl.shots.map((s) => s.visual));
      expect(visuals.size).toBe(n || 5);
      // on the beat, unless so many photos crowd a short video that shots last under 3 beats
      const onBeat = new Set(beats);
      if ((len - END_CARD_SEC) / tl.shots.length >= 3 * (beats[1] - beats[0]))
        for (const s of tl.shots.slice(1)) expect(onBeat.has(s.cutSec)).toBe(true);
      // shots follow each other, each long enough for its transitions, up to the end card
      for (const [k, s] of tl.shots.entries()) {
        expect(s.lengthSec).toBeGreaterThanOrEqual(2 * tl.transitionSec);
        expect(s.lengthSec).toBeLessThan(7); // a cut at least every few seconds
        const next = tl.shots[k + 1]?.inSec ?? tl.endCardInSec;
        expect(s.inSec + s.lengthSec).toBeCloseTo(next + tl.transitionSec, 6);
      }
      expect(tl.endCardInSec + tl.transitionSec).toBeCloseTo(len - END_CARD_SEC, 6);
    },
  );

  it('cycles one photo over the whole length with different moves', () => {
    const tl = planTimeline(30, 1, planJingle(30, 'bright', [4]).beatTimes, videoTemplate('warm'));
    expect(tl.shots.length).toBeGreaterThan(4);
    expect(new Set(tl.shots.map((s) => s.move)).size).toBeGreaterThan(3);
  });

  it('cuts evenly without beats', () => {
    const tl = planTimeline(20, 3, undefined, videoTemplate('clean'));
    expect(tl.shots.map((s) => s.visual)).toEqual(expect.arrayContaining([0, 1, 2]));
  });

  it('shows one caption at a time, none over the end card', () => {
    const tl = planTimeline(15, 2, undefined, videoTemplate('warm'));
    const shown = captionsShown(
      [
        { text: '하나', startSec: 1, endSec: 5 },
        { text: '둘', startSec: 4, endSec: 9 },
        { text: '셋', startSec: 11.5, endSec: 14 },
        { text: ' ', startSec: 9, endSec: 10 },
      ],
      tl,
    );
    expect(shown).toEqual([
      { text: '하나', startSec: 1, endSec: 4 },
      { text: '둘', startSec: 4, endSec: 9 },
    ]);
  });

  it('wraps Korean text into balanced rows that fit', () => {
    const rows = wrapText('해운대 할매국밥, 그 이름을 불러봐요', 92, 800);
    expect(rows).toEqual(['해운대 할매국밥,', '그 이름을 불러봐요']);
    for (const r of rows) expect(textWidth(r, 92)).toBeLessThanOrEqual(800);
    expect(wrapText('돼지국밥 · 수육\u00a0백반', 66, 420)).toEqual([
      '돼지국밥 ·',
      '수육\u00a0백반',
    ]);
  });
});
