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

/**
 * A still (larger than the frame by the margin) that moves for `lengthSec`, in yuv444p so a
 * crop moves one pixel at a time (4:2:0 would round it to two). A pan is a moving crop, one way
 * only. A zoom scales every frame to a size that only grows (or only shrinks) by two pixels at
 * a time and crops its centre at exactly half the growth: every edge moves one way, never back.
 */
export function motionFilter(
  g: FilterGraph,
  input: number,
  move: Shot['move'],
  lengthSec: number,
  range: MotionRange = FULL,
): string {
  const frames = Math.ceil(lengthSec * FPS) + 1;
  const { W, H } = g;
  const start = `[${input}:v]format=yuv444p,loop=loop=${frames - 1}:size=1:start=0,settb=1/${FPS},setpts=N`;
  if (move === 'zoomIn' || move === 'zoomOut') {
    const m = g.tpl.motion.margin;
    // half the growth in each axis at frame n, whole pixels, monotone in n
    const p = move === 'zoomIn' ? `(n/${frames})` : `(1-n/${frames})`;
    const gx = `trunc(${num((W * m) / 2)}*${p})`;
    const gy = `trunc(${num((H * m) / 2)}*${p})`;
    // the scaling sliced over the cores (threads=0: as many as this process may use): the same
    // pixels, off the filter graph's one thread, which bounds a render's wall clock
    return (
      `${start},scale=w='${W}+2*${gx}':h='${H}+2*${gy}':eval=frame:flags=bicubic:threads=0,` +
      `crop=${W}:${H}:x='${gx}':y='${gy}'`
    );
  }
  const p = `(t/${num(lengthSec)})`;
  // the share of the margin the crop crosses, centred: the rest stays unseen at both ends
  const span = (share: number, dim: 'w' | 'h') =>
    `(in_${dim}-out_${dim})*${num((1 - share) / 2)}+(in_${dim}-out_${dim})*${num(share)}`;
  const x = {
    panLeft: `${span(range.x, 'w')}*(1-${p})`,
    panRight: `${span(range.x, 'w')}*${p}`,
    panUp: `(in_w-out_w)/2`,
    panDown: `(in_w-out_w)/2`,
  }[move];
  const y = {
    panLeft: `(in_h-out_h)/2`,
    panRight: `(in_h-out_h)/2`,
    panUp: `${span(range.y, 'h')}*(1-${p})`,
    panDown: `${span(range.y, 'h')}*${p}`,
  }[move];
  return `${start},crop=${W}:${H}:x='${x}':y='${y}'`;
}
