import sharp, { Metadata } from 'sharp';

export interface PhotoLimits {
  maxBytes: number;
  maxPixels: number;
}

export interface NormalisedPhoto {
  body: Buffer;
  contentType: 'image/jpeg' | 'image/png' | 'image/webp';
  width: number;
  height: number;
}

/** An image we refuse: the message says why, for the owner. */
export class PhotoRejectedError extends Error {}

const FORMATS = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' } as const;
/** larger than the 1080x1920 video needs, with room to pan and zoom */
const MAX_EDGE = 2560;

/**
 * Checks an owner's photo by its content (not its name or declared type) and re-encodes
 * it: upright (EXIF orientation applied), at most 2560 px on its long edge, and with every
 * metadata block (EXIF with GPS location, XMP, IPTC) left behind.
 */
export async function normalisePhoto(input: Buffer, limits: PhotoLimits): Promise<NormalisedPhoto> {
  if (input.length === 0) throw new PhotoRejectedError('the photo is empty');
  if (input.length > limits.maxBytes)
    throw new PhotoRejectedError(
      `the photo is ${input.length} bytes; at most ${limits.maxBytes} are accepted`,
    );
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    throw new PhotoRejectedError('the file is not an image we can read (JPEG, PNG or WebP)');
  }
  const format = meta.format as keyof typeof FORMATS;
  if (!(format in FORMATS))
    throw new PhotoRejectedError(
      `${meta.format ?? 'this'} images are not accepted: use JPEG, PNG or WebP`,
    );
  // checked from the header, before decoding: a small file can claim a huge canvas
  if (!meta.width || !meta.height || meta.width * meta.height > limits.maxPixels)
    throw new PhotoRejectedError(
      `the photo is ${meta.width}x${meta.height} pixels; at most ${limits.maxPixels} pixels are accepted`,
    );
  if ((meta.pages ?? 1) > 1) throw new PhotoRejectedError('animated images are not accepted');
  try {
    const pipeline = sharp(input, { limitInputPixels: limits.maxPixels, failOn: 'error' })
      .rotate()
      .resize({ width: MAX_EDGE, height: MAX_EDGE, fit: 'inside', withoutEnlargement: true });
    const encoded =
      format === 'jpeg'
        ? pipeline.jpeg({ quality: 88, mozjpeg: true })
        : format === 'png'
          ? pipeline.png()
          : pipeline.webp({ quality: 88 });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return { body: data, contentType: FORMATS[format], width: info.width, height: info.height };
  } catch (err) {
    throw new PhotoRejectedError(
      `the image is damaged and cannot be read (${(err as Error).message})`,
    );
  }
}
