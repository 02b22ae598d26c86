/** One published video's latest figures with what it was made with (a row of the comparison). */
export interface ComparedVideo {
  look: string;
  lengthSec: number;
  mood: string;
  /** the latest reading's views, summed over the platforms it was published to */
  views: number | null;
  /** the latest Instagram average watch time (ms) */
  avgWatchTimeMs: number | null;
}

export type ComparedBy = 'look' | 'length' | 'mood';

export interface ComparisonGroup {
  by: ComparedBy;
  value: string;
  videos: number;
  medianViews: number | null;
  medianWatchTimeMs: number | null;
}

/** The median of the values given (nulls left out: "not yet" is no figure); null when none. */
export function median(values: (number | null)[]): number | null {
  const xs = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = xs.length >> 1;
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

/**
 * Looks (templates), lengths and moods compared by the median views and watch time per video:
 * medians, not sums or means, so one viral video does not make its look the winner, and a group
 * with more videos does not win by count.
 */
export function compareVideos(videos: ComparedVideo[]): ComparisonGroup[] {
  const keyOf: Record<ComparedBy, (v: ComparedVideo) => string> = {
    look: (v) => v.look,
    length: (v) => String(v.lengthSec),
    mood: (v) => v.mood,
  };
  const groups: ComparisonGroup[] = [];
  for (const by of ['look', 'length', 'mood'] as const) {
    const byValue = new Map<string, ComparedVideo[]>();
    for (const v of videos) byValue.set(keyOf[by](v), [...(byValue.get(keyOf[by](v)) ?? []), v]);
    for (const [value, vs] of [...byValue].sort(([a], [b]) => a.localeCompare(b)))
      groups.push({
        by,
        value,
        videos: vs.length,
        medianViews: median(vs.map((v) => v.views)),
        medianWatchTimeMs: median(vs.map((v) => v.avgWatchTimeMs)),
      });
  }
  return groups;
}
