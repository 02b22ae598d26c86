import sharp from 'sharp';
import { contrast, MIN_CONTRAST, storeAccent } from './video-accent';
import { videoTemplate } from './video-template';

const flat = (hex: string) =>
  sharp({ create: { width: 32, height: 32, channels: 3, background: hex } })
    .jpeg()
    .toBuffer();

describe("the look's accent in the store's colours", () => {
  it('measures contrast as WCAG does', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#ffffff', '#ffffff')).toBeCloseTo(1, 5);
    expect(contrast('#767676', '#ffffff')).toBeGreaterThanOrEqual(4.5);
  });

  it("takes a vivid colour of the photos on which the look's words stay legible", async () => {
    const warm = videoTemplate('warm');
    const got = await storeAccent([await flat('#808080'), await flat('#f08030')], warm);
    expect(got.source).toBe('photos');
    expect(contrast(got.accent, warm.endCard.ctaTextColor)).toBeGreaterThanOrEqual(MIN_CONTRAST);
    // the orange, not the grey
    const [r, , b] = [1, 3, 5].map((i) => parseInt(got.accent.slice(i, i + 2), 16));
    expect(r - b).toBeGreaterThan(100);
  });

  it("keeps the look's own accent when no photo colour keeps words on it legible", async () => {
    const clean = videoTemplate('clean');
    // white words on a light yellow: unreadable
    const got = await storeAccent([await flat('#f0e060')], clean);
    expect(got).toEqual({ accent: clean.colors.accent, source: 'look' });
  });
});
