import { FilterGraph, FPS, num } from './ffmpeg-graph';
import { Shot } from './video-timeline';

/** How far a pan travels, as a share of the room around the frame. */
export interface MotionRange {
  /** horizontal travel (1: the whole margin); a photo as wide as the frame gets little */
  x: number;
  /** vertical travel */
  y: number;
}

const FULL: MotionRange = { x: 1, y: 1 };

/** a still's size (the frame plus the room for pan and zoom) */
export interface StillCanvas {
  w: number;
  h: number;
}

/** the frames a still in motion lasts: its length and the frame that ends it */
export function motionFrames(lengthSec: number): number {
  return Math.ceil(lengthSec * FPS) + 1;
}

/**
 * A still (larger than the frame by the margin) that moves for `lengthSec`, straight into the
 * encoder's yuv420p: no frame is converted. A pan is a moving crop, one way only, one pixel at
 * a time (see `panFilter`). A zoom scales every frame to a size that only grows (or only
 * shrinks) by two pixels at a time and crops its centre at exactly half the growth: every edge
 * moves one way, never back.
 */
export function motionFilter(
  g: FilterGraph,
  input: number,
  move: Shot['move'],
  lengthSec: number,
  canvas: StillCanvas,
  range: MotionRange = FULL,
): string {
  const frames = motionFrames(lengthSec);
  const held = `loop=loop=${frames - 1}:size=1:start=0,settb=1/${FPS},setpts=N`;
  if (move === 'zoomIn' || move === 'zoomOut') {
    const { W, H } = g;
    const m = g.tpl.motion.margin;
    // half the growth in each axis at frame n, whole pixels, monotone in n
    const p = move === 'zoomIn' ? `(n/${frames})` : `(1-n/${frames})`;
    const gx = `trunc(${num((W * m) / 2)}*${p})`;
    const gy = `trunc(${num((H * m) / 2)}*${p})`;
    // scaled (sliced over the cores: threads=0) from the still's own yuv420p into the
    // encoder's; the crop takes odd offsets too (exact), its colour then half a sample over,
    // which nobody sees in a picture that is growing
    return (
      `[${input}:v]${held},` +
      `scale=w='${W}+2*${gx}':h='${H}+2*${gy}':eval=frame:flags=bicubic:threads=0,` +
      `crop=${W}:${H}:x='${gx}':y='${gy}':exact=1,format=yuv420p`
    );
  }
  return panFilter(g, input, move, lengthSec, canvas, range, held);
}

/**
 * A pan in yuv420p, still one pixel at a time: a crop of a yuv420p picture starts on an even
 * pixel (its colour is one sample per two pixels), so the still is laid out twice, side by
 * side across the pan (the second a pixel further along), and a crop at an odd pixel takes
 * the second at the even pixel before. Both are converted once, not each frame.
 */
function panFilter(
  g: FilterGraph,
  input: number,
  move: Exclude<Shot['move'], 'zoomIn' | 'zoomOut'>,
  lengthSec: number,
  canvas: StillCanvas,
  range: MotionRange,
  held: string,
): string {
  const { W, H } = g;
  const across = move === 'panLeft' || move === 'panRight';
  // the still a pixel narrower (or shorter) along the pan, so the shifted copy fits beside it
  const w = across ? canvas.w - 2 : canvas.w;
  const h = across ? canvas.h : canvas.h - 2;
  const p = `(t/${num(lengthSec)})`;
  // the share of the margin the crop crosses, centred: the rest stays unseen at both ends
  const travel = across ? w - W : h - H;
  const share = across ? range.x : range.y;
  const from = num(travel * ((1 - share) / 2));
  const by = num(travel * share);
  const along = move === 'panRight' || move === 'panDown' ? p : `(1-${p})`;
  const at = `trunc(${from}+${by}*${along})`;
  const even = `(${at}-mod(${at},2))`;
  const odd = `mod(${at},2)`;
  const centre = (room: number) => 2 * Math.floor(room / 4);
  const [a, b, a2, b2] = ['a', 'b', 'a2', 'b2'].map((x) => g.label(`pan${x}`));
  const copy = (label: string, shift: number) =>
    `[${label}]crop=w=${w}:h=${h}:x=${across ? shift : 0}:y=${across ? 0 : shift},format=yuv420p`;
  const x = across ? even : `${centre(w - W)}+${w}*${odd}`;
  const y = across ? `${centre(h - H)}+${h}*${odd}` : even;
  return (
    `[${input}:v]format=yuv444p,split[${a}][${b}];` +
    `${copy(a, 0)}[${a2}];${copy(b, 1)}[${b2}];` +
    `[${a2}][${b2}]${across ? 'vstack' : 'hstack'},${held},crop=${W}:${H}:x='${x}':y='${y}'`
  );
}
