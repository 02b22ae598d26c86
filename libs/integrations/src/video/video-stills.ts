import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
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
 * A photo laid out on a 9:16 canvas of `width` x `height` without distortion or a hard crop:
 * the whole photo fitted in the middle, over a blurred, darkened fill of the same photo
 * covering the frame (portrait photos fill it nearly edge to edge, landscape ones sit in a
 * band). The canvas is larger than the frame by the template's margin: room for pan and zoom.
 */
export async function photoStill(
  photo: Buffer,
  width: number,
  height: number,
  out: string,
): Promise<void> {
  let upright: Buffer;
  try {
    upright = await sharp(photo, { failOn: 'error' }).rotate().toBuffer();
  } catch {
    throw new PhotoUnreadableError('a store photo is not an image that can be read');
  }
  // blur a small copy then enlarge it: the same look as a large blur, at a fraction of the cost
  const fill = await sharp(upright)
    .resize(Math.round(width / 12), Math.round(height / 12), { fit: 'cover' })
    .blur(3)
    .modulate({ brightness: 0.72, saturation: 1.15 })
    .resize(width, height, { kernel: 'cubic' })
    .toBuffer();
  const fitted = await sharp(upright)
    .resize(width, height, { fit: 'inside', kernel: 'lanczos3' })
    .toBuffer({ resolveWithObject: true });
  await sharp(fill)
    .composite([
      {
        input: fitted.data,
        left: Math.round((width - fitted.info.width) / 2),
        top: Math.round((height - fitted.info.height) / 2),
      },
    ])
    .jpeg({ quality: 90 })
    .toFile(out);
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
