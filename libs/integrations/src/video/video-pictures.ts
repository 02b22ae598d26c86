import { join } from 'node:path';
import { FilterGraph, FPS, num } from './ffmpeg-graph';
import { endCardText } from './video-end-card';
import { motionFilter, MotionRange } from './video-motion';
import { VideoRequest } from './video-renderer';
import { gradientStill } from './video-stills';
import { Timeline } from './video-timeline';
import { TitleCard, titleCardText } from './video-title-cards';

/** A picture a shot shows: its still file and how far its pans may travel. */
export interface ShotStill {
  file: string;
  range: MotionRange;
}

/**
 * The picture track `[body]`: each shot's still in motion (a title card with its words), the
 * end card, and the transitions between them on the timeline's cuts. `stillOf` gives the
 * still of a shot (a photo shown again comes framed another way).
 */
export async function drawPictures(
  g: FilterGraph,
  req: VideoRequest,
  timeline: Timeline,
  stillOf: (shotIndex: number) => ShotStill,
  cards: TitleCard[],
  canvas: { w: number; h: number },
  D: number,
): Promise<void> {
  for (const [k, shot] of timeline.shots.entries()) {
    const still = stillOf(k);
    let chain = motionFilter(g, g.input(still.file), shot.move, shot.lengthSec, still.range);
    if (cards.length) chain += await titleCardText(g, cards[shot.visual]);
    g.filters.push(`${chain},setsar=1[s${k}]`);
  }
  const endBg = join(g.dir, 'end-card.jpg');
  const tpl = g.tpl;
  await gradientStill(tpl.endCard.background, tpl.colors.accent, 99, canvas.w, canvas.h, endBg);
  const endLength = D - timeline.endCardInSec;
  // the end card drifts gently: alive, but held as one composition
  const drift = motionFilter(g, g.input(endBg), 'panDown', endLength, { x: 1, y: 0.3 });
  g.filters.push(`${drift}${await endCardText(g, req, timeline)},setsar=1[end]`);
  // half a frame late: no frame falls on a transition's very start, where FFmpeg's slides
  // draw one column (or row) of the wrong picture at the edge
  const late = 0.5 / FPS;
  let last = 's0';
  for (const [k, shot] of timeline.shots.entries()) {
    if (k === 0) continue;
    g.filters.push(
      `[${last}][s${k}]xfade=transition=${shot.transition}:duration=${num(timeline.transitionSec)}:offset=${num(shot.inSec + late)}[x${k}]`,
    );
    last = `x${k}`;
  }
  g.filters.push(
    `[${last}][end]xfade=transition=fade:duration=${num(timeline.transitionSec)}:offset=${num(timeline.endCardInSec + late)}[body]`,
  );
}
