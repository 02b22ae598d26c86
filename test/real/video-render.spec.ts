import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  contrast,
  FfmpegVideoRenderer,
  RenderMeta,
  SongClip,
  VIDEO_TEMPLATE_IDS,
  VideoRequest,
  videoTemplate,
} from '@app/integrations';
import { describeWithServers } from '../harness/binaries';
import { removeDir, tempDir } from '../harness/process';
import {
  END_CARD,
  makePhoto,
  makeSong,
  PHOTO_SPECS,
  SEA_SIGN,
  videoRequest,
} from '../harness/video-fixture';
import {
  colourShare,
  Edge,
  frameAt,
  frameEdges,
  frames,
  framesNumbered,
  inkMask,
  maskDistance,
  meanAbsDiff,
  ocr,
  ocrLines,
  Rect,
  readable,
  rgb,
  tesseract,
  union,
} from '../harness/video-frames';

/*
 * Renders every look at 15, 30 and 60 s (3, 6 and 6 photos, portrait and landscape mixed, one
 * with a sign on it), once each, at 540x960 (every check here is about layout, time and words,
 * which scale), plus one 15 s video of a single photo and one full 1080x1920 render, and reads
 * each MP4 as a viewer would: its length and stream, every photo on screen, the store's name
 * in the first second, captions that never overlap, smooth zooms, clean edges, the prices on
 * screen and on the end card. A contact sheet of each render goes to test-artifacts/video/.
 */
jest.setTimeout(1_800_000);

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'video');
const SMALL = 540;
const FPS = 30;
const NAME = END_CARD.name.replace(/\s+/g, '');
/** the price of the first priced dish as the store wrote it (9,000원) */
const PRICE = END_CARD.menu.find((m) => m.price)!.price!.replace(/원$/, '');
/** the price read in a reading (OCR may drop its comma: 9000) */
const hasPrice = (text: string) => text.replace(/,/g, '').includes(PRICE.replace(/,/g, ''));
/** any two letters of the sign in a row (해운, 운대, 바다...): a piece of it read */
const SIGN_PAIRS = SEA_SIGN.split(' ').flatMap((w) => [...w].slice(1).map((ch, i) => w[i] + ch));

const probe = (file: string) =>
  JSON.parse(
    execFileSync(
      'ffprobe',
      [
        '-v',
        'error',
        '-show_entries',
        'format=duration:stream=codec_type,duration,width,height,profile,color_space,color_primaries,color_transfer',
        '-of',
        'json',
        file,
      ],
      { encoding: 'utf8' },
    ),
  ) as {
    format: { duration: string };
    streams: {
      codec_type: string;
      duration: string;
      width?: number;
      height?: number;
      profile?: string;
      color_space?: string;
      color_primaries?: string;
      color_transfer?: string;
    }[];
  };

/** the photo's look where the frame's centre box shows it (fitted in a 9:16 frame), 4x2 RGB */
async function photoSignature(file: string): Promise<Buffer> {
  const img = sharp(file);
  const { width: pw, height: ph } = await img.metadata();
  const scale = Math.min(1080 / pw!, 1920 / ph!);
  const bw = (0.4 * 1080) / scale;
  const bh = (0.12 * 1920) / scale;
  const top = ph! / 2 - (0.06 * 1920) / scale - bh / 2;
  return img
    .extract({
      left: Math.round(pw! / 2 - bw / 2),
      top: Math.round(top),
      width: Math.round(bw),
      height: Math.round(bh),
    })
    .resize(4, 2, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer();
}

async function frameSignature(frame: Buffer, w: number, h: number): Promise<Buffer> {
  return sharp(frame, { raw: { width: w, height: h, channels: 3 } })
    .extract({
      left: Math.round(0.3 * w),
      top: Math.round(0.38 * h),
      width: Math.round(0.4 * w),
      height: Math.round(0.12 * h),
    })
    .resize(4, 2, { fit: 'fill' })
    .raw()
    .toBuffer();
}

function contactSheet(video: string, name: string, durationSec: number): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  const cols = 8;
  const every = durationSec > 30 ? 2 : 1;
  const rows = Math.ceil(durationSec / every / cols);
  const file = join(ARTIFACTS, `${name}.jpg`);
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-i',
    video,
    '-vf',
    `fps=1/${every},scale=180:320,tile=${cols}x${rows}:padding=4:color=white`,
    '-frames:v',
    '1',
    '-q:v',
    '3',
    file,
  ]);
  return file;
}

async function inPool<T>(items: T[], size: number, work: (t: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: size }, async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) await work(next);
    }),
  );
}

interface Rendered {
  name: string;
  req: VideoRequest;
  meta: RenderMeta;
  video: string;
}

/** the MP4's top-level boxes in file order (ftyp, moov, mdat...) */
function topLevelBoxes(file: string): string[] {
  const buf = readFileSync(file);
  const boxes: string[] = [];
  for (let at = 0; at + 8 <= buf.length;) {
    let size = buf.readUInt32BE(at);
    if (size === 1) size = Number(buf.readBigUInt64BE(at + 8));
    boxes.push(buf.toString('latin1', at + 4, at + 8));
    if (size < 8) break;
    at += size;
  }
  return boxes;
}

/** inside one of a caption's row plates, clear of its rim (its width is an estimate) */
function onPlate(c: RenderMeta['captions'][number], x: number, y: number): boolean {
  return c.rows.some(
    (r) => x >= r.x + r.w * 0.06 && x < r.x + r.w * 0.94 && y >= r.y + 3 && y < r.y + r.h - 3,
  );
}

const saturation = (c: number[]) => Math.max(...c) - Math.min(...c);
const colourDiff = (a: number[], b: number[]) =>
  Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]);

/** the held part of a shot (its transitions in and out left aside), as frame numbers */
function heldFrames(shot: RenderMeta['shots'][number], transitionSec = 0.7): number[] {
  const from = Math.ceil((shot.inSec + transitionSec) * FPS);
  const to = Math.floor((shot.inSec + shot.lengthSec - transitionSec) * FPS);
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

/**
 * Where the top rim of a photo band is in a frame, to a fraction of a pixel: the luminance of
 * the middle columns, row by row, and how many rows of a window around the strongest step are
 * still the (darker) fill.
 */
function topRim(px: Buffer, W: number, H: number): number {
  const row = (y: number) => {
    let s = 0;
    for (let x = Math.round(W * 0.3); x < Math.round(W * 0.7); x++) {
      const i = (y * W + x) * 3;
      s += 0.3 * px[i] + 0.59 * px[i + 1] + 0.11 * px[i + 2];
    }
    return s / Math.round(W * 0.4);
  };
  const profile = Array.from({ length: H }, (_, y) => row(y));
  let rough = 0;
  let best = 0;
  for (let y = Math.round(H * 0.22); y < Math.round(H * 0.45); y++) {
    const step = profile[y + 2] - profile[y - 2];
    if (step > best) [best, rough] = [step, y];
  }
  const mean = (a: number, b: number) =>
    profile.slice(a, b + 1).reduce((s, v) => s + v, 0) / (b - a + 1);
  const fill = mean(rough - 14, rough - 9);
  const photo = mean(rough + 9, rough + 14);
  let e = rough - 8;
  for (let y = rough - 8; y <= rough + 8; y++)
    e += 1 - Math.min(1, Math.max(0, (profile[y] - fill) / (photo - fill)));
  return e;
}

describeWithServers(
  ['ffmpeg', 'ffprobe', 'tesseract'],
  'the FFmpeg video an owner would post',
  () => {
    const dir = tempDir('video-render');
    afterAll(() => removeDir(dir));
    const songs = new Map<number, SongClip>();
    const photos: string[] = [];
    const signatures: Buffer[] = [];
    const renders: Rendered[] = [];

    const request = (lengthSec: number, count: number, templateId: string): VideoRequest =>
      videoRequest(songs.get(lengthSec)!, lengthSec, photos.slice(0, count), templateId);

    async function render(name: string, req: VideoRequest, width: number): Promise<Rendered> {
      const out = join(dir, name);
      const meta = await new FfmpegVideoRenderer(dir, 900_000, {
        preset: 'ultrafast',
        width,
      }).render(req, out);
      const video = join(out, 'video.mp4');
      contactSheet(video, name, req.durationSec);
      return { name, req, meta, video };
    }

    // every look at every length, rendered once; every check below reads these files
    const matrix = [
      ...VIDEO_TEMPLATE_IDS.flatMap((t) =>
        [
          [15, 3],
          [30, 6],
          [60, 6],
        ].map(([len, n]) => ({ t, len, n })),
      ),
      { t: 'warm', len: 15, n: 1 },
    ];

    beforeAll(async () => {
      for (let i = 0; i < PHOTO_SPECS.length; i++) photos.push(await makePhoto(dir, i));
      for (const p of photos) signatures.push(await photoSignature(p));
      for (const lengthSec of [15, 30, 60])
        songs.set(lengthSec, await makeSong(join(dir, 'song'), lengthSec));
      await inPool(matrix, 2, async ({ t, len, n }) => {
        renders.push(await render(`${t}-${len}s-${n}photos`, request(len, n, t), SMALL));
      });
      renders.sort((a, b) => a.name.localeCompare(b.name));
    });

    /** each render's failures, named: one message lists every render that fails a check */
    function eachRender(check: (r: Rendered) => void | Promise<void>): Promise<string[]> {
      return (async () => {
        const failures: string[] = [];
        for (const r of renders) {
          try {
            await check(r);
          } catch (err) {
            failures.push(`${r.name}: ${(err as Error).message}`);
          }
        }
        return failures;
      })();
    }

    it(`renders ${matrix.length} videos: right length and stream, cut on the beats, always moving, every photo shown`, async () => {
      expect(VIDEO_TEMPLATE_IDS).toEqual(expect.arrayContaining(['warm', 'bold', 'clean']));
      const failures = await eachRender(async ({ req, meta, video }) => {
        const D = req.durationSec;
        const info = probe(video);
        expect(Math.abs(Number(info.format.duration) - D)).toBeLessThanOrEqual(0.1);
        const v = info.streams.find((s) => s.codec_type === 'video')!;
        expect(Math.abs(Number(v.duration) - D)).toBeLessThanOrEqual(0.1);
        expect([v.width, v.height]).toEqual([meta.width, meta.height]);
        // H.264 High profile, BT.709 colour said in the stream
        expect([v.profile, v.color_space, v.color_primaries, v.color_transfer]).toEqual([
          'High',
          'bt709',
          'bt709',
          'bt709',
        ]);
        // faststart: the index (moov) before the media (mdat)
        expect(topLevelBoxes(video).filter((b) => b === 'moov' || b === 'mdat')).toEqual([
          'moov',
          'mdat',
        ]);

        const beats = new Set(req.beats!.times.map((t) => t.toFixed(3)));
        for (const c of meta.cuts.slice(1)) expect(beats.has(c.toFixed(3))).toBe(true);

        // no 3 s without change
        const grey = frames(video, 4, 36, 64, 'gray');
        const steps = grey.slice(1).map((f, i) => meanAbsDiff(f, grey[i]));
        for (let i = 0; i + 12 <= steps.length; i++)
          expect({ window: i / 4, change: Math.max(...steps.slice(i, i + 12)) > 0.4 }).toEqual({
            window: i / 4,
            change: true,
          });

        // every photo on screen: some frame's centre looks like that photo, more than like any other
        const colour = frames(video, 2, 90, 160, 'rgb24').slice(0, Math.floor((D - 3) * 2));
        const frameSigs = await Promise.all(colour.map((f) => frameSignature(f, 90, 160)));
        const shown = new Set<number>();
        for (const f of frameSigs) {
          const d = signatures.slice(0, req.photos.length).map((s) => meanAbsDiff(f, s));
          const best = d.indexOf(Math.min(...d));
          if (d[best] < 30) shown.add(best);
        }
        expect([...shown].sort()).toEqual(req.photos.map((_, i) => i));
      });
      expect(failures).toEqual([]);
    });

    it('hooks from the first second: the store name read by OCR in the frame at 0.5 s, with the price of its signature dish', async () => {
      const failures = await eachRender(({ video }) => {
        const text = ocr(video, 0.5, dir);
        expect({ text, name: text.includes(NAME) }).toEqual({ text, name: true });
        expect({ text, price: hasPrice(text) }).toEqual({ text, price: true });
      });
      expect(failures).toEqual([]);
    });

    it('captions inside the safe area, in the band below the photo, and never two lines in one frame', async () => {
      const failures = await eachRender(({ req, meta, video }) => {
        const tpl = videoTemplate(req.templateId);
        const safe = meta.safeArea;
        const W = meta.width;
        const H = meta.height;
        expect(meta.captions.length).toBeGreaterThanOrEqual(5);
        const ink = [rgb(tpl.caption.color), rgb(tpl.caption.highlightColor)];
        for (const c of meta.captions) {
          expect(c.rect.x).toBeGreaterThanOrEqual(safe.left - 1);
          expect(c.rect.x + c.rect.w).toBeLessThanOrEqual(safe.right + 1);
          expect(c.rect.y).toBeGreaterThanOrEqual(safe.top - 1);
          expect(c.rect.y + c.rect.h).toBeLessThanOrEqual(safe.bottom + 1);
          expect(c.endSec).toBeLessThanOrEqual(meta.endCardFromSec);
          // clear of the middle of the frame, where the photo's subject is
          expect(c.rect.y + c.rect.h / 2).toBeGreaterThan(H * 0.66);
        }
        const mid = (c: { startSec: number; endSec: number }) =>
          Math.round(((c.startSec + c.endSec) / 2) * FPS);
        for (const c of [meta.captions[0], meta.captions[Math.floor(meta.captions.length / 2)]]) {
          // the frame with the line, and the one just before it comes in
          const [px, before] = framesNumbered(
            video,
            [mid(c), Math.round(c.startSec * FPS) - 1],
            W,
            H,
          );
          expect(colourShare(px, W, c.rect, ink)).toBeGreaterThan(0.08);
          const below = {
            x: 0,
            y: Math.round(safe.bottom) + 4,
            w: W,
            h: H - Math.round(safe.bottom) - 4,
          };
          const column = {
            x: Math.round(safe.right) + 4,
            y: 0,
            w: W - Math.round(safe.right) - 4,
            h: H,
          };
          // no more of the caption's vivid ink there than a frame before it came in (white
          // and near-black ink are like a photo's own highlights and shadows)
          const vivid = ink.filter((c) => saturation(c) > 80);
          const added = (r: Rect) =>
            colourShare(px, W, r, vivid, 30) - colourShare(before, W, r, vivid, 30);
          expect(added(below)).toBeLessThan(0.01);
          expect(added(column)).toBeLessThan(0.01);
        }
        // around every hand-over from one line to the next, each frame shows one line or the
        // other, never both drawn together
        for (const [i, a] of meta.captions.slice(0, -1).entries()) {
          const b = meta.captions[i + 1];
          if (b.startSec - a.endSec > 0.1) continue;
          const rect: Rect = union(a.rect, b.rect);
          const at = Math.round(b.startSec * FPS);
          const near = [at - 1, at, at + 1];
          const px = framesNumbered(video, [mid(a), mid(b), ...near], W, H);
          // only where both lines' plates cover the picture: the photo never shows through there
          const where = (x: number, y: number) => onPlate(a, x, y) && onPlate(b, x, y);
          const [ma, mb, ...around] = px.map((p) => inkMask(p, W, rect, ink, 60, where));
          const apart = maskDistance(ma, mb);
          for (const [k, m] of around.entries()) {
            const nearest = Math.min(maskDistance(m, ma), maskDistance(m, mb));
            expect({ frame: near[k], oneLine: nearest < 0.4 * apart }).toEqual({
              frame: near[k],
              oneLine: true,
            });
          }
        }
        // before the first lyric, the caption's place shows no caption
        const lyricStart = meta.captions[0].startSec;
        const intro = frameAt(video, Math.min(0.5, lyricStart / 2), W, H);
        expect(colourShare(intro, W, meta.captions[0].rect, ink)).toBeLessThan(0.04);
      });
      expect(failures).toEqual([]);
    });

    it('zooms smoothly: the rim of a photo moves one way only, never back', async () => {
      let checked = 0;
      const failures = await eachRender(({ meta, video }) => {
        const W = meta.width;
        const H = meta.height;
        for (const shot of meta.shots) {
          const landscape = PHOTO_SPECS[shot.visual].w > PHOTO_SPECS[shot.visual].h;
          if (!shot.move.startsWith('zoom') || shot.framing !== 'whole' || !landscape) continue;
          const numbers = heldFrames(shot).filter((n) => n / FPS > meta.callouts.hookEndSec);
          const rims = framesNumbered(video, numbers, W, H).map((px) => topRim(px, W, H));
          const sign = shot.move === 'zoomIn' ? -1 : 1;
          const back = rims.slice(1).map((r, i) => sign * (rims[i] - r));
          expect({ shot, wrongWay: Math.max(...back) < 0.35 }).toEqual({ shot, wrongWay: true });
          // and it does move: the whole zoom shifts the rim by pixels
          expect(Math.abs(rims[rims.length - 1] - rims[0])).toBeGreaterThan(2);
          checked++;
        }
      });
      expect(failures).toEqual([]);
      expect(checked).toBeGreaterThanOrEqual(2);
    });

    it('has no frame with a saturated coloured line along its border', async () => {
      const failures = await eachRender(({ meta, video }) => {
        const edges = frameEdges(video, meta.width, meta.height, 4);
        const bad: string[] = [];
        for (let f = 1; f + 1 < edges.length; f++)
          for (const edge of ['left', 'right', 'top', 'bottom'] as Edge[]) {
            const len = edges[f].length(edge);
            let odd = 0;
            let n = 0;
            for (let i = 0; i < len; i += 4, n++) {
              const outer = edges[f].pixel(edge, 0, i);
              // a line of its own: saturated, unlike the picture just inside it and unlike the
              // same line a frame before and after, which agree (a glitch lasts one frame; a
              // wipe's edge coming in goes on into the next frame)
              const before = edges[f - 1].pixel(edge, 0, i);
              const after = edges[f + 1].pixel(edge, 0, i);
              if (
                saturation(outer) > 80 &&
                colourDiff(outer, edges[f].pixel(edge, 3, i)) > 100 &&
                colourDiff(outer, before) > 100 &&
                colourDiff(outer, after) > 100 &&
                colourDiff(before, after) < 100
              )
                odd++;
            }
            if (odd > n * 0.3) bad.push(`${edge} at ${(f / FPS).toFixed(2)} s`);
          }
        expect(bad).toEqual([]);
      });
      expect(failures).toEqual([]);
    });

    it('frames by subject: a pan cuts no word off a landscape photo, and its blurred fill has none left to read', async () => {
      let panned = 0;
      let fills = 0;
      const failures = await eachRender(({ meta, video }) => {
        const H = meta.height;
        const W = meta.width;
        const busy = (sec: number) =>
          sec < meta.callouts.hookEndSec + 0.3 ||
          meta.callouts.priceTagsFromSec.some((s) => sec > s - 0.3 && sec < s + 2.8);
        for (const shot of meta.shots) {
          if (PHOTO_SPECS[shot.visual].sign !== SEA_SIGN || shot.framing !== 'whole') continue;
          const held = heldFrames(shot);
          if (!held.length) continue;
          if (shot.move === 'panLeft' || shot.move === 'panRight') {
            // both ends of the pan: the whole sign is in the picture
            for (const n of [held[0], held[held.length - 1]]) {
              const band = { x: 0, y: Math.round(H * 0.3), w: W, h: Math.round(H * 0.2) };
              const text = ocr(video, n / FPS, dir, band);
              expect({
                at: n / FPS,
                text,
                whole: text.includes(SEA_SIGN.replace(/\s/g, '')),
              }).toEqual({
                at: n / FPS,
                text,
                whole: true,
              });
            }
            panned++;
          }
          const at = held[Math.floor(held.length / 2)] / FPS;
          if (busy(at)) continue;
          // the fill above the photo, where its sign would show through a weak blur
          const fill = { x: 0, y: Math.round(H * 0.04), w: W, h: Math.round(H * 0.26) };
          const text = ocr(video, at, dir, fill);
          expect({ at, text, readable: SIGN_PAIRS.some((pair) => text.includes(pair)) }).toEqual({
            at,
            text,
            readable: false,
          });
          fills++;
        }
      });
      expect(failures).toEqual([]);
      expect(panned).toBeGreaterThanOrEqual(1);
      expect(fills).toBeGreaterThanOrEqual(1);
    });

    it('calls out a price on the photos, and the end card lists dishes with prices, address, phone and a call to action', async () => {
      const failures = await eachRender(({ req, meta, video }) => {
        const D = req.durationSec;
        const tpl = videoTemplate(req.templateId);
        expect(meta.callouts.priceTagsFromSec.length).toBeGreaterThanOrEqual(1);
        const tagAt = meta.callouts.priceTagsFromSec[0] + 1.2;
        const tag = ocr(video, tagAt, dir, {
          x: 0,
          y: 0,
          w: meta.width,
          h: Math.round(meta.height * 0.3),
        });
        expect({ tag, price: hasPrice(tag) }).toEqual({ tag, price: true });
        // the tag in the look's accent as drawn (the store's colour when legible), words on it
        // at WCAG 4.5 or better
        const accent = meta.accent.accent;
        expect(contrast(accent, tpl.endCard.ctaTextColor)).toBeGreaterThanOrEqual(4.5);
        const tagFrame = frameAt(video, tagAt, meta.width, meta.height);
        const tagBand = { x: 0, y: 0, w: meta.width, h: Math.round(meta.height * 0.3) };
        expect(colourShare(tagFrame, meta.width, tagBand, [rgb(accent)], 45)).toBeGreaterThan(0.02);

        const card = ocr(video, D - 0.3, dir);
        expect({ card, price: hasPrice(card) }).toEqual({ card, price: true });
        for (const word of [NAME, '051-123-4567', readable(tpl.endCard.cta)])
          expect({ card, word, read: card.includes(word) }).toEqual({ card, word, read: true });
        const lines = ocrLines(video, D - 0.3, dir);
        expect(lines.filter((l) => /^[·•|,]/.test(l))).toEqual([]);

        // the end card is one composition: no large empty band in the safe area
        const W = meta.width;
        const H = meta.height;
        const px = frameAt(video, D - 0.3, W, H);
        const words = [tpl.colors.text, tpl.colors.accent, tpl.colors.muted].map(rgb);
        const safe = meta.safeArea;
        let gap = 0;
        let widest = 0;
        for (let y = Math.round(safe.top); y < Math.round(safe.bottom); y++) {
          const inked =
            colourShare(
              px,
              W,
              { x: Math.round(safe.left), y, w: Math.round(safe.right - safe.left), h: 1 },
              words,
              40,
            ) > 0.01;
          gap = inked ? 0 : gap + 1;
          widest = Math.max(widest, gap);
        }
        expect(widest / (safe.bottom - safe.top)).toBeLessThan(0.25);

        // the end card fills the last 3 s: one held composition on its own background
        const endFrames = [D - 2.7, D - 1.5, D - 0.1].map((t) => frameAt(video, t, W, H));
        expect(meanAbsDiff(endFrames[0], endFrames[2])).toBeLessThan(12);
        expect(meanAbsDiff(endFrames[1], endFrames[2])).toBeLessThan(12);
        const top = { x: 0, y: 0, w: W, h: Math.round(H * 0.05) };
        expect(
          colourShare(endFrames[0], W, top, [rgb(tpl.endCard.background[0])], 90),
        ).toBeGreaterThan(0.5);
        const lastShot = frameAt(video, D - 3.7, W, H);
        expect(meanAbsDiff(lastShot, endFrames[2])).toBeGreaterThan(12);
      });
      expect(failures).toEqual([]);
    });

    it("draws each look's accent in the store's colours when words on them stay legible", async () => {
      // the dominant colours of the fixture's photos, as libvips finds them
      const dominant = await Promise.all(
        photos.map(async (p) => {
          const { r, g, b } = (await sharp(p).resize(64, 64, { fit: 'inside' }).stats()).dominant;
          return [r, g, b];
        }),
      );
      const fromPhotos = renders.filter((r) => r.meta.accent.source === 'photos');
      // the fixture's photos are vivid: some looks find a colour of theirs that keeps 4.5
      expect(fromPhotos.length).toBeGreaterThanOrEqual(3);
      for (const r of fromPhotos) {
        const tpl = videoTemplate(r.meta.templateId);
        expect(contrast(r.meta.accent.accent, tpl.endCard.ctaTextColor)).toBeGreaterThanOrEqual(
          4.5,
        );
        const shown = dominant.slice(0, r.req.photos.length);
        expect(
          Math.min(...shown.map((c) => colourDiff(c, rgb(r.meta.accent.accent)))),
        ).toBeLessThan(6);
      }
      // where none does, the look's own
      for (const r of renders.filter((x) => x.meta.accent.source === 'look'))
        expect(r.meta.accent.accent).toBe(videoTemplate(r.meta.templateId).colors.accent);
    });

    it('frames a photo shown again another way: in 60 s, no photo shows in the same framing more than twice', async () => {
      const long = renders.filter((r) => r.req.durationSec === 60);
      expect(long.length).toBe(VIDEO_TEMPLATE_IDS.length);
      const failures: string[] = [];
      for (const { name, meta, video } of long) {
        const W = meta.width;
        const H = meta.height;
        const mids = meta.shots.map((s) => {
          const held = heldFrames(s, 0.4);
          return held[Math.floor(held.length / 2)] ?? Math.round((s.inSec + s.lengthSec / 2) * FPS);
        });
        const px = framesNumbered(video, mids, W, H);
        const small = await Promise.all(
          px.map((p) =>
            sharp(p, { raw: { width: W, height: H, channels: 3 } })
              .resize(18, 32, { fit: 'fill' })
              .greyscale()
              .raw()
              .toBuffer(),
          ),
        );
        for (const [i, s] of meta.shots.entries()) {
          const alike = meta.shots.filter(
            (o, j) => o.visual === s.visual && meanAbsDiff(small[i], small[j]) < 6,
          ).length;
          if (alike > 2)
            failures.push(`${name}: shot ${i} (photo ${s.visual}) looks the same ${alike} times`);
        }
      }
      expect(failures).toEqual([]);
    });

    it('renders the full 1080x1920 video with large captions (>= 64 px glyphs)', async () => {
      const { meta, video } = await render('warm-30s-6photos-1080', request(30, 6, 'warm'), 1080);
      expect([meta.width, meta.height]).toEqual([1080, 1920]);
      const c = meta.captions[0];
      const px = frameAt(video, (c.startSec + c.endSec) / 2, 1080, 1920);
      const ink = [
        rgb(videoTemplate('warm').caption.color),
        rgb(videoTemplate('warm').caption.highlightColor),
      ];
      const inked = (y: number) =>
        colourShare(px, 1080, { x: c.rect.x, y, w: c.rect.w, h: 1 }, ink) > 0.01;
      let run = 0;
      let tallest = 0;
      for (let y = c.rect.y; y < c.rect.y + c.rect.h; y++) {
        run = inked(y) ? run + 1 : 0;
        tallest = Math.max(tallest, run);
      }
      expect(tallest).toBeGreaterThanOrEqual(64);
      expect(ocr(video, 0.5, dir)).toContain(NAME);
      // the thumbnail is the hook's frame: the store's name on the cover
      const thumb = join(dir, 'warm-30s-6photos-1080', 'thumb.jpg');
      copyFileSync(thumb, join(ARTIFACTS, 'warm-30s-thumbnail.jpg'));
      expect(readable(tesseract(thumb, '6'))).toContain(NAME);
    });

    it('without photos, a title sequence: the name, the menu with prices, the area, in the template colours', async () => {
      const failures: string[] = [];
      await inPool([...VIDEO_TEMPLATE_IDS], 2, async (t) => {
        try {
          const { meta, video } = await render(`${t}-15s-no-photos`, request(15, 0, t), SMALL);
          // name card + four menu cards (with their prices) + where, before the end card
          expect(meta.visuals).toBe(6);
          const grey = frames(video, 4, 36, 64, 'gray');
          const steps = grey.slice(1).map((f, i) => meanAbsDiff(f, grey[i]));
          for (let i = 0; i + 12 <= steps.length; i++)
            expect(Math.max(...steps.slice(i, i + 12))).toBeGreaterThan(0.4);
          // the first card is in the template's colours, not a flat grey
          const px = frameAt(video, 1.5, meta.width, meta.height);
          const bg = videoTemplate(t).colors.backgrounds[0].map(rgb);
          expect(
            colourShare(px, meta.width, { x: 0, y: 0, w: meta.width, h: meta.height }, bg, 120),
          ).toBeGreaterThan(0.3);
        } catch (err) {
          failures.push(`${t}: ${(err as Error).message}`);
        }
      });
      expect(failures).toEqual([]);
    });

    it('reads its looks from data files, and a Creatomate id falls back to the default look', () => {
      for (const id of VIDEO_TEMPLATE_IDS) {
        const raw = JSON.parse(
          readFileSync(
            join(__dirname, '../../libs/integrations/src/video/templates', `${id}.json`),
            'utf8',
          ),
        );
        expect(videoTemplate(id)).toEqual(raw);
      }
      expect(videoTemplate('tpl-vertical-bright').id).toBe('warm');
    });
  },
);
