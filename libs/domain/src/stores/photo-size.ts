import { InvalidInputError } from '../errors/domain-errors';

/**
 * How large a photo must be on its short side for the 1080x1920 video: at 1080 px it fills
 * the frame's width without enlarging; down to 640 px it is enlarged (Lanczos keeps its edges)
 * and looks soft, which the owner is told; below, it would look blurred and is refused.
 */
export const PHOTO_SHORT_SIDE = { sharp: 1080, min: 640 } as const;

/** Refuses a photo too small to show in the video, saying what it takes. */
export function checkPhotoSize(width: number, height: number): void {
  if (Math.min(width, height) < PHOTO_SHORT_SIDE.min)
    throw new InvalidInputError(
      `the photo is ${width}x${height} pixels: too small for the video, which needs at least ${PHOTO_SHORT_SIDE.min} pixels on the short side (${PHOTO_SHORT_SIDE.sharp} or more looks sharp); use a larger photo`,
      { field: 'photo' },
    );
}

/** What the owner is told of a photo the video must enlarge, or null when it is large enough. */
export function photoSizeWarning(width: number, height: number): string | null {
  return Math.min(width, height) < PHOTO_SHORT_SIDE.sharp
    ? `the photo is ${width}x${height} pixels: the video enlarges it to fill the frame, so it may look soft (${PHOTO_SHORT_SIDE.sharp} pixels or more on the short side looks sharp)`
    : null;
}
