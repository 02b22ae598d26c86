import { readFile } from 'node:fs/promises';
import sharp, { Sharp } from 'sharp';
import { MediaSource } from '../song/song-engine';

/**
 * A photo that could not be read: the message is safe to show an owner; `detail` (a path, the
 * system's error) is for the log only.
 */
export class PhotoUnreadableError extends Error {
  override name = 'PhotoUnreadableError';
  constructor(
    message: string,
    readonly detail = '',
  ) {
    super(message);
  }
}

const MAX_PHOTO_BYTES = 40 * 1024 * 1024;

/** The bytes of a photo, from disk or from a (blob SAS) URL. */
export async function mediaBytes(m: MediaSource, timeoutMs: number): Promise<Buffer> {
  if (m.kind === 'file')
    return readFile(m.path).catch((err: Error) => {
      throw new PhotoUnreadableError(
        'the render failed: a store photo could not be read',
        err.message,
      );
    });
  const res = await fetch(m.url, { signal: AbortSignal.timeout(timeoutMs) }).catch(() => null);
  if (!res?.ok) throw new PhotoUnreadableError('a store photo could not be downloaded');
  const body = Buffer.from(await res.arrayBuffer());
  if (body.length > MAX_PHOTO_BYTES) throw new PhotoUnreadableError('a store photo is too large');
  return body;
}

/**
 * How a photo is framed in a shot: the whole of it over a blurred fill (its first showing), a
 * close-up filling the frame around its subject, or a tighter detail of the subject; a photo
 * shown again is framed differently, so a long video does not show the same picture twice over.
 */
export const PHOTO_FRAMINGS = ['whole', 'closeUp', 'detail'] as const;
export type PhotoFraming = (typeof PHOTO_FRAMINGS)[number];

/** how much larger than the frame a whole photo is laid out, along its longer side */
export const WHOLE_OVER = 1.05;

/** the frame and the canvas around it (the frame plus the room for pan and zoom) */
export interface StillSize {
  frame: { w: number; h: number };
  canvas: { w: number; h: number };
}

/**
 * A photo laid out on a 9:16 canvas larger than the frame by the template's margin (room for
 * pan and zoom), without distortion. `whole`: the photo fitted inside the frame and 5% more
 * (a pan of those 5% cuts less than 5% of it at either end and never shows its edge), over a fill
 * of the same photo so blurred and dimmed that nothing in it can be read. `closeUp` and
 * `detail`: cropped to cover the canvas around the subject libvips finds (attention: skin,
 * saturation, edges).
 */
export async function photoStill(
  photo: Buffer,
  size: StillSize,
  framing: PhotoFraming,
  out: string,
): Promise<{ width: boolean; height: boolean }> {
  let upright: Buffer;
  try {
    upright = await sharp(photo, { failOn: 'error' }).rotate().toBuffer();
  } catch {
    throw new PhotoUnreadableError('a store photo is not an image that can be read');
  }
  const { canvas, frame } = size;
  if (framing !== 'whole') {
    const img = await subjectCrop(upright, canvas, framing === 'detail' ? 1.75 : 1.3);
    await img.jpeg({ quality: 90 }).toFile(out);
    return { width: false, height: false };
  }
  // blur a tiny copy then enlarge it: a heavy blur at a fraction of the cost; dimmed, so the
  // photo in front stands out and no word in the fill is legible
  // (two pipelines: sharp applies one resize per pipeline, the last one asked)
  const tiny = await sharp(upright)
    .resize(Math.round(canvas.w / 40), Math.round(canvas.h / 40), { fit: 'cover' })
    .blur(1.5)
    .modulate({ brightness: 0.55, saturation: 1.1 })
    .toBuffer();
  const fill = await sharp(tiny)
    .resize(canvas.w, canvas.h, { kernel: 'cubic' })
    .blur(Math.max(4, canvas.w / 60))
    .toBuffer();
  // 5% over the frame: a pan of that 5% never shows the photo's edge and cuts under 5% of it
  const fitted = await sharp(upright)
    .resize(Math.round(frame.w * WHOLE_OVER), Math.round(frame.h * WHOLE_OVER), {
      fit: 'inside',
      kernel: 'lanczos3',
    })
    .toBuffer({ resolveWithObject: true });
  await sharp(fill)
    .composite([
      {
        input: fitted.data,
        left: Math.round((canvas.w - fitted.info.width) / 2),
        top: Math.round((canvas.h - fitted.info.height) / 2),
      },
    ])
    .jpeg({ quality: 90 })
    .toFile(out);
  // which side of the frame the photo spans: a pan along it cuts the photo
  return { width: fitted.info.width > frame.w, height: fitted.info.height > frame.h };
}

/** the photo covering `canvas`, `zoom` times closer, centred on its subject as far as it can */
async function subjectCrop(
  upright: Buffer,
  canvas: { w: number; h: number },
  zoom: number,
): Promise<Sharp> {
  const big = { w: Math.round(canvas.w * zoom), h: Math.round(canvas.h * zoom) };
  const cover = await sharp(upright)
    .resize(big.w, big.h, { fit: 'cover', position: sharp.strategy.attention })
    .toBuffer({ resolveWithObject: true });
  const ax = cover.info.attentionX ?? big.w / 2;
  const ay = cover.info.attentionY ?? big.h / 2;
  const clamp = (v: number, max: number) => Math.max(0, Math.min(max, Math.round(v)));
  return sharp(cover.data).extract({
    left: clamp(ax - canvas.w / 2, big.w - canvas.w),
    top: clamp(ay - canvas.h / 2, big.h - canvas.h),
    width: canvas.w,
    height: canvas.h,
  });
}

const hex = (c: string) => c.split('@')[0];

/**
 * A designed background for a title or end card: a diagonal gradient of the template's
 * colours with soft circles of its accent, larger than the frame so it can drift.
 */
export async function gradientStill(
  colors: [string, string],
  accent: string,
  seed: number,
  width: number,
  height: number,
  out: string,
): Promise<void> {
  let r = (seed * 2654435761) >>> 0 || 1;
  const rand = () => (r = (r * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const circles = Array.from({ length: 5 }, () => {
    const cx = Math.round(rand() * width);
    const cy = Math.round(rand() * height);
    const rad = Math.round((0.12 + rand() * 0.3) * width);
    const op = (0.06 + rand() * 0.1).toFixed(2);
    return `<circle cx="${cx}" cy="${cy}" r="${rad}" fill="${hex(accent)}" fill-opacity="${op}"/>`;
  }).join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<defs><linearGradient id="g" x1="0" y1="0" x2="0.6" y2="1">` +
    `<stop offset="0" stop-color="${hex(colors[0])}"/><stop offset="1" stop-color="${hex(colors[1])}"/>` +
    `</linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/>${circles}` +
    `<rect x="0" y="${Math.round(height * 0.82)}" width="100%" height="${Math.round(height * 0.18)}" fill="#000" fill-opacity="0.08"/>` +
    `</svg>`;
  await sharp(Buffer.from(svg)).jpeg({ quality: 92 }).toFile(out);
}
