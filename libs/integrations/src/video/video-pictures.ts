import { join } from 'node:path';
import { FilterGraph, FPS, num } from './ffmpeg-graph';
import { endCardText } from './video-end-card';
import { motionFilter, motionFrames, MotionRange } from './video-motion';
import { VideoRequest } from './video-renderer';
import { gradientStill } from './video-stills';
import { Timeline } from './video-timeline';
import { TitleCard, titleCardText } from './video-title-cards';

/** A picture a shot shows: its still file and how far its pans may travel. */
export interface ShotStill {
  file: string;
  range: MotionRange;
}

/** A picture in motion on the timeline: its link, its frames, when and how it comes in. */
interface Clip {
  label: string;
  frames: number;
  inSec: number;
  transition: string;
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
  const clips: Clip[] = [];
  for (const [k, shot] of timeline.shots.entries()) {
    const still = stillOf(k);
    const input = g.input(still.file);
    let chain = motionFilter(g, input, shot.move, shot.lengthSec, canvas, still.range);
    if (cards.length) chain += await titleCardText(g, cards[shot.visual]);
    g.filters.push(`${chain},setsar=1[s${k}]`);
    const { inSec, transition } = shot;
    clips.push({ label: `s${k}`, frames: motionFrames(shot.lengthSec), inSec, transition });
  }
  const endBg = join(g.dir, 'end-card.jpg');
  const tpl = g.tpl;
  await gradientStill(tpl.endCard.background, tpl.colors.accent, 99, canvas.w, canvas.h, endBg);
  const endLength = D - timeline.endCardInSec;
  // the end card drifts gently: alive, but held as one composition
  const drift = motionFilter(g, g.input(endBg), 'panDown', endLength, canvas, { x: 1, y: 0.3 });
  g.filters.push(`${drift}${await endCardText(g, req, timeline)},setsar=1[end]`);
  const inSec = timeline.endCardInSec;
  clips.push({ label: 'end', frames: motionFrames(endLength), inSec, transition: 'fade' });
  joinClips(g, clips, timeline.transitionSec);
}

/**
 * The clips one after another into `[body]`, each coming in over the end of the one before
 * with its transition. Only a transition's frames are blended; every other frame goes through
 * in yuv420p as its clip made it. A transition starts on the frame its offset rounds to (as
 * FFmpeg's xfade rounds it) and lasts as long as the clip before runs.
 */
function joinClips(g: FilterGraph, clips: Clip[], transitionSec: number): void {
  const late = 0.5 / FPS;
  const starts = clips.map((c, k) => (k ? Math.round(Number(num(c.inSec + late)) * FPS) : 0));
  // the frames of the clip before still running when a clip comes in: its transition's
  const blended = clips.map((_, k) => (k ? clips[k - 1].frames - (starts[k] - starts[k - 1]) : 0));
  const segments: string[] = [];
  let tail = '';
  for (const [k, clip] of clips.entries()) {
    // this clip alone from the end of its transition in to the start of the next one
    const soloEnd = k + 1 < clips.length ? starts[k + 1] - starts[k] : clip.frames;
    if (blended[k] < 0 || soloEnd < blended[k])
      throw new Error(`transitions overlap on the timeline at clip ${k}`);
    const last = k + 1 === clips.length;
    const [head, solo, next] = cutClip(g, clip, [
      k ? [0, blended[k]] : null,
      soloEnd > blended[k] ? [blended[k], soloEnd] : null,
      last ? null : [soloEnd, clip.frames],
    ]);
    if (head) segments.push(transition(g, tail, head, clip.transition, transitionSec));
    if (solo) segments.push(solo);
    tail = next ?? '';
  }
  g.filters.push(
    `${segments.map((s) => `[${s}]`).join('')}concat=n=${segments.length}:v=1:a=0,` +
      `settb=1/${FPS},setpts=N[body]`,
  );
}

/**
 * Transitions that treat the picture's three planes alike (a mix, a slide, a wipe, a shape
 * growing over it): run on each plane of the yuv420p frames as a grey picture, with no
 * conversion. The others (to white, to black, dissolve's random pixels) need the colour
 * planes as colour, in yuv444p.
 */
const PLANE_WISE = /^(fade|smooth|slide|wipe|circle)(left|right|up|down|open)?$/;

/**
 * The transition from `a` into `b` (equally long), frames in yuv420p; returns its link. Half a
 * frame late (timed in half frames): no frame falls on its very start, where FFmpeg's slides
 * draw a line past the picture's edge.
 */
function transition(g: FilterGraph, a: string, b: string, kind: string, sec: number): string {
  const x = g.label('x');
  const half = `settb=1/${2 * FPS}`;
  const xfade = `xfade=transition=${kind}:duration=${num(sec)}:offset=${num(-0.5 / FPS)}`;
  const whole = `settb=1/${FPS},setpts=N`;
  if (!PLANE_WISE.test(kind)) {
    g.filters.push(
      `[${a}]${half},format=yuv444p[${a}c];[${b}]${half},format=yuv444p[${b}c];` +
        `[${a}c][${b}c]${xfade},scale=threads=0,format=yuv420p,${whole}[${x}]`,
    );
    return x;
  }
  const planes = ['y', 'u', 'v'];
  const split = (l: string) =>
    `[${l}]${half},extractplanes=y+u+v${planes.map((p) => `[${l}${p}]`).join('')}`;
  g.filters.push(
    `${split(a)};${split(b)};` +
      planes.map((p) => `[${a}${p}][${b}${p}]${xfade}[${x}${p}]`).join(';') +
      `;${planes.map((p) => `[${x}${p}]`).join('')}mergeplanes=0x001020:yuv420p,${whole}[${x}]`,
  );
  return x;
}

/**
 * A clip cut into the frame ranges given ([from, to), null for none), each a link of its own
 * from frame 0; null where no range was asked.
 */
function cutClip(
  g: FilterGraph,
  clip: Clip,
  ranges: ([number, number] | null)[],
): (string | null)[] {
  const parts = ranges.map((r) => (r ? g.label(`${clip.label}p`) : null));
  const cut = ranges.flatMap((r, i) =>
    r
      ? [
          `[${parts[i]}i]trim=start_frame=${r[0]}:end_frame=${r[1]},setpts=PTS-STARTPTS[${parts[i]}]`,
        ]
      : [],
  );
  const outputs = parts.filter(Boolean).map((p) => `[${p}i]`);
  g.filters.push(`[${clip.label}]split=${outputs.length}${outputs.join('')};${cut.join(';')}`);
  return parts;
}
