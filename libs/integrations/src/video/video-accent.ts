import sharp from 'sharp';
import { VideoTemplate } from './video-template';

/** WCAG's minimum contrast for text: words on the accent stay readable */
export const MIN_CONTRAST = 4.5;

/** WCAG relative luminance of "#rrggbb" */
function luminance(hex: string): number {
  const h = hex.replace('#', '').split('@')[0];
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(h.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two colours (1 to 21) */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const toHex = (c: { r: number; g: number; b: number }) =>
  '#' + [c.r, c.g, c.b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');

/** the colour halfway between two */
function mix(a: string, b: string): string {
  const ch = (c: string, i: number) => parseInt(c.replace('#', '').slice(i, i + 2), 16);
  return toHex({
    r: (ch(a, 0) + ch(b, 0)) / 2,
    g: (ch(a, 2) + ch(b, 2)) / 2,
    b: (ch(a, 4) + ch(b, 4)) / 2,
  });
}

/** how colourful a colour is (HSV saturation times value, 0..1): a grey or a black is not an accent */
function vividness(hex: string): number {
  const h = hex.slice(1);
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16) / 255);
  return Math.max(r, g, b) - Math.min(r, g, b);
}

/**
 * The look's accent in the store's own colours: the most vivid dominant colour of its photos
 * on which the look's words (tags, the call to action) keep a WCAG contrast of 4.5; the look's
 * own accent when none does.
 */
export async function storeAccent(
  photos: Buffer[],
  tpl: VideoTemplate,
): Promise<{ accent: string; source: 'photos' | 'look' }> {
  const dominant: string[] = [];
  for (const photo of photos) {
    const stats = await sharp(photo)
      .resize(64, 64, { fit: 'inside' })
      .stats()
      .catch(() => null);
    if (stats) dominant.push(toHex(stats.dominant));
  }
  // words on the accent at 4.5; the accent's own large words on the end card (its gradient's
  // middle) as legible as the look's accent there, at most WCAG's 3 for large text asked
  const card = mix(...tpl.endCard.background);
  const readable = (c: string) =>
    contrast(c, tpl.endCard.ctaTextColor) >= MIN_CONTRAST &&
    contrast(c, card) >= Math.min(3, contrast(tpl.colors.accent, card));
  const best = dominant
    .filter((c) => vividness(c) >= 0.35 && readable(c))
    .sort((a, b) => vividness(b) - vividness(a))[0];
  return best ? { accent: best, source: 'photos' } : { accent: tpl.colors.accent, source: 'look' };
}
