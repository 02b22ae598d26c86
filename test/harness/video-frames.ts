/*
 * Reading a rendered MP4 the way a viewer would: frames as pixels, words by OCR (tesseract with
 * Korean), colours and edges. test/real/video-render.spec.ts builds its checks on these.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export type Rect = { x: number; y: number; w: number; h: number };

/** frames as raw pixels: `fps` a second, scaled to w x h */
export function frames(
  file: string,
  fps: number,
  w: number,
  h: number,
  fmt: 'gray' | 'rgb24',
): Buffer[] {
  const raw = execFileSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-i',
      file,
      '-vf',
      `fps=${fps},scale=${w}:${h}:flags=area,format=${fmt}`,
      '-f',
      'rawvideo',
      '-',
    ],
    { maxBuffer: 1 << 28 },
  );
  const size = w * h * (fmt === 'gray' ? 1 : 3);
  return Array.from({ length: Math.floor(raw.length / size) }, (_, i) =>
    raw.subarray(i * size, (i + 1) * size),
  );
}

/** one frame at its own size, RGB */
export function frameAt(file: string, sec: number, w: number, h: number): Buffer {
  return execFileSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-ss',
      sec.toFixed(3),
      '-i',
      file,
      '-frames:v',
      '1',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ],
    { maxBuffer: 1 << 26 },
  ).subarray(0, w * h * 3);
}

/** the frames numbered `numbers` (0-based, at the video's own 30 fps), RGB at their own size */
export function framesNumbered(file: string, numbers: number[], w: number, h: number): Buffer[] {
  // runs of numbers as ranges: FFmpeg's expressions nest too deep for hundreds of terms
  const runs: [number, number][] = [];
  for (const n of [...new Set(numbers)].sort((a, b) => a - b)) {
    const last = runs[runs.length - 1];
    if (last && n === last[1] + 1) last[1] = n;
    else runs.push([n, n]);
  }
  const pick = runs.map(([a, b]) => `between(n\\,${a}\\,${b})`).join('+');
  const raw = execFileSync(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-vf', `select=${pick}`, '-fps_mode', 'passthrough'].concat([
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ]),
    { maxBuffer: 1 << 28 },
  );
  const size = w * h * 3;
  const sorted = runs.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i));
  const byNumber = new Map(sorted.map((n, i) => [n, raw.subarray(i * size, (i + 1) * size)]));
  return numbers.map((n) => byNumber.get(n)!).filter((f) => f?.length === size);
}

export type Edge = 'left' | 'right' | 'top' | 'bottom';
/** one frame's edges: the RGB of pixel `i` along an edge, on the `k`-th line from the border */
export interface FrameEdges {
  pixel(edge: Edge, k: number, i: number): [number, number, number];
  length(edge: Edge): number;
}

/** The four edges of every frame, `depth` px deep, read from the MP4 at its own size. */
export function frameEdges(file: string, w: number, h: number, depth: number): FrameEdges[] {
  const d = depth;
  const run = (graph: string) =>
    execFileSync(
      'ffmpeg',
      ['-v', 'error', '-i', file, '-filter_complex', graph, '-map', '[o]', '-f', 'rawvideo', '-'],
      { maxBuffer: 1 << 29 },
    );
  // left and right side by side (d+d wide), top and bottom stacked (d+d tall)
  const cols = run(
    `[0:v]split[a][b];[a]crop=${d}:${h}:0:0[l];[b]crop=${d}:${h}:${w - d}:0[r];[l][r]hstack,format=rgb24[o]`,
  );
  const rows = run(
    `[0:v]split[a][b];[a]crop=${w}:${d}:0:0[t];[b]crop=${w}:${d}:0:${h - d}[u];[t][u]vstack,format=rgb24[o]`,
  );
  const n = Math.min(cols.length / (2 * d * h * 3), rows.length / (2 * d * w * 3));
  return Array.from({ length: Math.floor(n) }, (_, f) => {
    const c = cols.subarray(f * 2 * d * h * 3, (f + 1) * 2 * d * h * 3);
    const r = rows.subarray(f * 2 * d * w * 3, (f + 1) * 2 * d * w * 3);
    const at = (buf: Buffer, stride: number, x: number, y: number): [number, number, number] => {
      const i = (y * stride + x) * 3;
      return [buf[i], buf[i + 1], buf[i + 2]];
    };
    return {
      length: (edge: Edge) => (edge === 'left' || edge === 'right' ? h : w),
      pixel: (edge: Edge, k: number, i: number) =>
        edge === 'left'
          ? at(c, 2 * d, k, i)
          : edge === 'right'
            ? at(c, 2 * d, 2 * d - 1 - k, i)
            : edge === 'top'
              ? at(r, w, i, k)
              : at(r, w, i, 2 * d - 1 - k),
    };
  });
}

/**
 * What tesseract reads (Korean) in a frame region, only its letters and digits: readings joined by
 * " | " (the grey picture, then only its darkest and only its lightest pixels as ink), since a
 * word on a plate over a busy photo is read in one of them.
 */
export function ocr(file: string, sec: number, dir: string, crop?: Rect): string {
  const area = crop ? `crop=${crop.w}:${crop.h}:${crop.x}:${crop.y},` : '';
  const readings = [
    ['format=gray', '6'],
    ["format=gray,lut=y='if(lt(val,70),0,255)'", '11'],
    ["format=gray,lut=y='if(gt(val,200),0,255)'", '11'],
  ].map(([look, psm]) => {
    const png = framePng(file, sec, dir, `${area}${look}`);
    return readable(tesseract(png, psm));
  });
  return readings.join(' | ');
}

/** the frame at `sec` through the filters `vf`, as a PNG in `dir` */
function framePng(file: string, sec: number, dir: string, vf: string): string {
  const png = join(
    dir,
    `frame-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.png`,
  );
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-ss',
    sec.toFixed(3),
    '-i',
    file,
    '-frames:v',
    '1',
    '-vf',
    vf,
    png,
  ]);
  return png;
}

/** a reading with only what words are made of here: Hangul, digits, ',' and '-' */
export const readable = (text: string) => text.replace(/[^\uac00-\ud7a30-9,-]/g, '');

/** tesseract's Korean reading of an image, page segmentation `psm` */
export function tesseract(image: string, psm: string): string {
  return execFileSync('tesseract', [image, 'stdout', '-l', 'kor', '--psm', psm], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
}

/** OCR of a frame, line by line as tesseract lays it out (spaces kept), on its grey picture */
export function ocrLines(file: string, sec: number, dir: string): string[] {
  const png = framePng(file, sec, dir, 'format=gray');
  return tesseract(png, '4')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

export const meanAbsDiff = (a: Buffer, b: Buffer) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
};

export const rgb = (hex: string) => {
  const h = hex.replace('#', '').split('@')[0];
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
};

/** share of pixels in a rectangle within `tol` of any of the colours */
export function colourShare(
  px: Buffer,
  width: number,
  rect: Rect,
  colours: number[][],
  tol = 60,
): number {
  let hit = 0;
  let n = 0;
  for (let y = Math.max(0, rect.y); y < rect.y + rect.h; y++)
    for (let x = Math.max(0, rect.x); x < Math.min(width, rect.x + rect.w); x++, n++) {
      const i = (y * width + x) * 3;
      if (
        colours.some(
          (c) =>
            Math.abs(px[i] - c[0]) + Math.abs(px[i + 1] - c[1]) + Math.abs(px[i + 2] - c[2]) < tol,
        )
      )
        hit++;
    }
  return n ? hit / n : 0;
}

/**
 * which pixels of a rectangle are within `tol` of the colours (1) or not (0); pixels outside
 * `where` (frame coordinates) count as 0
 */
export function inkMask(
  px: Buffer,
  width: number,
  rect: Rect,
  colours: number[][],
  tol = 60,
  where: (x: number, y: number) => boolean = () => true,
): Uint8Array {
  const mask = new Uint8Array(rect.w * rect.h);
  for (let y = 0; y < rect.h; y++)
    for (let x = 0; x < rect.w; x++) {
      if (!where(rect.x + x, rect.y + y)) continue;
      const i = ((rect.y + y) * width + rect.x + x) * 3;
      mask[y * rect.w + x] = colours.some(
        (c) =>
          Math.abs(px[i] - c[0]) + Math.abs(px[i + 1] - c[1]) + Math.abs(px[i + 2] - c[2]) < tol,
      )
        ? 1
        : 0;
    }
  return mask;
}

/** the share of pixels two masks disagree on */
export function maskDistance(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += a[i] ^ b[i];
  return d / a.length;
}

export const union = (a: Rect, b: Rect): Rect => {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return {
    x,
    y,
    w: Math.max(a.x + a.w, b.x + b.w) - x,
    h: Math.max(a.y + a.h, b.y + b.h) - y,
  };
};
