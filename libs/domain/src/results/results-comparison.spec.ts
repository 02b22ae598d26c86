import { ComparedVideo, compareVideos, median } from './results-comparison';

const video = (look: string, views: number | null, watch: number | null = null): ComparedVideo => ({
  look,
  lengthSec: look === 'bold' ? 15 : 30,
  mood: 'bright',
  views,
  avgWatchTimeMs: watch,
});

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones; "not yet" is left out', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 10])).toBe(3.5);
    expect(median([null, 7, null])).toBe(7);
    expect(median([null])).toBeNull();
    expect(median([])).toBeNull();
  });
});

describe('comparing looks, lengths and moods', () => {
  it('by median views and watch time per video: one viral video does not make its look win', () => {
    const groups = compareVideos([
      video('warm', 100, 4000),
      video('warm', 120, 5000),
      video('warm', 140, 6000),
      video('bold', 10_000),
      video('bold', 20),
      video('bold', 30),
      video('clean', null),
    ]);
    const looks = groups.filter((g) => g.by === 'look');
    expect(looks).toEqual([
      { by: 'look', value: 'bold', videos: 3, medianViews: 30, medianWatchTimeMs: null },
      { by: 'look', value: 'clean', videos: 1, medianViews: null, medianWatchTimeMs: null },
      { by: 'look', value: 'warm', videos: 3, medianViews: 120, medianWatchTimeMs: 5000 },
    ]);
    expect(groups.filter((g) => g.by === 'length').map((g) => [g.value, g.medianViews])).toEqual([
      ['15', 30],
      ['30', 120],
    ]);
    expect(groups.filter((g) => g.by === 'mood')).toEqual([
      { by: 'mood', value: 'bright', videos: 7, medianViews: 110, medianWatchTimeMs: 5000 },
    ]);
  });
});
