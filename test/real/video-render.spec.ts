import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  FfmpegVideoRenderer,
  RenderMeta,
  SongClip,
  VIDEO_TEMPLATE_IDS,
  VideoRequest,
  videoTemplate,
} from '@app/integrations';
import { describeWithServers } from '../harness/binaries';
import { removeDir, tempDir } from '../harness/process';
import { makePhoto, makeSong, PHOTO_SPECS, videoRequest } from '../harness/video-fixture';

/*
 * Renders every template at 15 s and 30 s with 1, 3 and 6 photos (portrait and landscape
 * mixed), at 360x640 to keep CI short (every check here is about layout and time, which scale),
 * plus one full 1080x1920 render, and checks each MP4 itself: its length, every photo on
 * screen, no 3 s without change, captions in the safe area while lyrics play, the end card in
 * the last 3 s. A contact sheet of each render goes to test-artifacts/video/.
 */
jest.setTimeout(1_500_000);

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'video');
const SMALL = 360;

const probeDuration = (file: string) =>
  JSON.parse(
    execFileSync(
      'ffprobe',
      [
        '-v',
        'error',
        '-show_entries',
        'format=duration:stream=codec_type,duration,width,height',
        '-of',
        'json',
        file,
      ],
      { encoding: 'utf8' },
    ),
  ) as {
    format: { duration: string };
    streams: { codec_type: string; duration: string; width?: number; height?: number }[];
  };

/** frames as raw pixels: `fps` a second, scaled to w x h */
function frames(file: string, fps: number, w: number, h: number, fmt: 'gray' | 'rgb24'): Buffer[] {
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
function frameAt(file: string, sec: number, w: number, h: number): Buffer {
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

const meanAbsDiff = (a: Buffer, b: Buffer) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
};
const rgb = (hex: string) => {
  const h = hex.replace('#', '').split('@')[0];
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
};

/** share of pixels in a rectangle within `tol` of any of the colours */
function colourShare(
  px: Buffer,
  width: number,
  rect: { x: number; y: number; w: number; h: number },
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

async function contactSheet(video: string, name: string, durationSec: number): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const cols = 8;
  const rows = Math.ceil(durationSec / cols);
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-i',
    video,
    '-vf',
    `fps=1,scale=180:320,tile=${cols}x${rows}:padding=4:color=white`,
    '-frames:v',
    '1',
    join(ARTIFACTS, `${name}.png`),
  ]);
}

async function inPool<T>(items: T[], size: number, work: (t: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: size }, async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) await work(next);
    }),
  );
}

describeWithServers(['ffmpeg', 'ffprobe'], 'the FFmpeg video an owner would post', () => {
  const dir = tempDir('video-render');
  afterAll(() => removeDir(dir));
  const songs = new Map<number, SongClip>();
  const photos: string[] = [];
  const signatures: Buffer[] = [];

  beforeAll(async () => {
    for (let i = 0; i < PHOTO_SPECS.length; i++) photos.push(await makePhoto(dir, i));
    for (const p of photos) signatures.push(await photoSignature(p));
    for (const lengthSec of [15, 30])
      songs.set(lengthSec, await makeSong(join(dir, 'song'), lengthSec));
  });

  const request = (lengthSec: number, count: number, templateId: string): VideoRequest =>
    videoRequest(songs.get(lengthSec)!, lengthSec, photos.slice(0, count), templateId);

  /** every check a person would make of the video, from the MP4 */
  async function checkRender(name: string, req: VideoRequest, width: number): Promise<RenderMeta> {
    const out = join(dir, name);
    const meta = await new FfmpegVideoRenderer(dir, 600_000, { preset: 'ultrafast', width }).render(
      req,
      out,
    );
    mkdirSync(out, { recursive: true });
    const video = join(out, 'video.mp4');
    const D = req.durationSec;
    const W = meta.width;
    const H = meta.height;
    await contactSheet(video, name, D);

    // length, to 0.1 s, of the file and of its picture
    const info = probeDuration(video);
    expect(Math.abs(Number(info.format.duration) - D)).toBeLessThanOrEqual(0.1);
    const v = info.streams.find((s) => s.codec_type === 'video')!;
    expect(Math.abs(Number(v.duration) - D)).toBeLessThanOrEqual(0.1);
    expect([v.width, v.height]).toEqual([W, H]);

    // cuts land on the song's beats
    const beats = new Set(req.beats!.times.map((t) => t.toFixed(3)));
    for (const c of meta.cuts.slice(1)) expect(beats.has(c.toFixed(3))).toBe(true);

    // no 3 s without change: consecutive frames a quarter second apart differ somewhere in every window
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

    // captions while the lyrics play: inside the safe area, and the caption's ink is there
    const tpl = videoTemplate(req.templateId);
    const safe = meta.safeArea;
    expect(meta.captions.length).toBeGreaterThanOrEqual(5);
    const ink = [rgb(tpl.caption.color), rgb(tpl.caption.highlightColor)];
    for (const c of meta.captions) {
      expect(c.rect.x).toBeGreaterThanOrEqual(safe.left - 1);
      expect(c.rect.x + c.rect.w).toBeLessThanOrEqual(safe.right + 1);
      expect(c.rect.y).toBeGreaterThanOrEqual(safe.top - 1);
      expect(c.rect.y + c.rect.h).toBeLessThanOrEqual(safe.bottom + 1);
      expect(c.endSec).toBeLessThanOrEqual(meta.endCardFromSec);
    }
    const lyricStart = meta.captions[0].startSec;
    for (const c of [meta.captions[0], meta.captions[Math.floor(meta.captions.length / 2)]]) {
      const px = frameAt(video, (c.startSec + c.endSec) / 2, W, H);
      expect(colourShare(px, W, c.rect, ink)).toBeGreaterThan(0.08);
      // nothing of the caption below the safe area or in the action column
      const bottom = {
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
      expect(colourShare(px, W, bottom, ink)).toBeLessThan(0.01);
      expect(colourShare(px, W, column, ink)).toBeLessThan(0.01);
    }
    // before the first lyric, the caption's place shows no caption
    const intro = frameAt(video, Math.min(0.5, lyricStart / 2), W, H);
    expect(colourShare(intro, W, meta.captions[0].rect, ink)).toBeLessThan(0.04);

    // the end card fills the last 3 s: one held composition on its own background
    const endFrames = [D - 2.7, D - 1.5, D - 0.1].map((t) => frameAt(video, t, W, H));
    expect(meanAbsDiff(endFrames[0], endFrames[2])).toBeLessThan(12);
    expect(meanAbsDiff(endFrames[1], endFrames[2])).toBeLessThan(12);
    const top = { x: 0, y: 0, w: W, h: Math.round(H * 0.05) };
    expect(colourShare(endFrames[0], W, top, [rgb(tpl.endCard.background[0])], 90)).toBeGreaterThan(
      0.5,
    );
    const lastShot = frameAt(video, D - 3.7, W, H);
    expect(meanAbsDiff(lastShot, endFrames[2])).toBeGreaterThan(12);
    // its words: the name in the template's text colour, in the safe area
    const safeRect = {
      x: Math.round(safe.left),
      y: Math.round(safe.top),
      w: Math.round(safe.right - safe.left),
      h: Math.round(safe.bottom - safe.top),
    };
    expect(colourShare(endFrames[2], W, safeRect, [rgb(tpl.colors.text)], 40)).toBeGreaterThan(
      0.005,
    );
    return meta;
  }

  const matrix = VIDEO_TEMPLATE_IDS.flatMap((t) =>
    [15, 30].flatMap((len) => [1, 3, 6].map((n) => ({ t, len, n }))),
  );

  it(`renders ${matrix.length} videos (templates x 15/30 s x 1/3/6 photos) that pass every check`, async () => {
    expect(VIDEO_TEMPLATE_IDS).toEqual(expect.arrayContaining(['warm', 'bold', 'clean']));
    const failures: string[] = [];
    await inPool(matrix, 2, async ({ t, len, n }) => {
      try {
        await checkRender(`${t}-${len}s-${n}photos`, request(len, n, t), SMALL);
      } catch (err) {
        failures.push(`${t} ${len}s ${n} photos: ${(err as Error).message}`);
      }
    });
    expect(failures).toEqual([]);
  });

  it('renders the full 1080x1920 video with large captions (>= 64 px glyphs)', async () => {
    const req = request(30, 6, 'warm');
    const meta = await checkRender('warm-30s-6photos-1080', req, 1080);
    expect([meta.width, meta.height]).toEqual([1080, 1920]);
    // the height of the caption's ink, row by row: its glyphs stand at least 64 px tall
    const c = meta.captions[0];
    const px = frameAt(
      join(dir, 'warm-30s-6photos-1080', 'video.mp4'),
      (c.startSec + c.endSec) / 2,
      1080,
      1920,
    );
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
  });

  it('without photos, a title sequence: the name, the menu, the area, in the template colours', async () => {
    const failures: string[] = [];
    await inPool([...VIDEO_TEMPLATE_IDS], 2, async (t) => {
      const req = { ...request(15, 0, t) };
      const out = join(dir, `${t}-titles`);
      try {
        const meta = await new FfmpegVideoRenderer(dir, 600_000, {
          preset: 'ultrafast',
          width: SMALL,
        }).render(req, out);
        await contactSheet(join(out, 'video.mp4'), `${t}-15s-no-photos`, 15);
        // name card + three menu cards + where: five different cards before the end card
        expect(meta.visuals).toBe(5);
        const grey = frames(join(out, 'video.mp4'), 4, 36, 64, 'gray');
        const steps = grey.slice(1).map((f, i) => meanAbsDiff(f, grey[i]));
        for (let i = 0; i + 12 <= steps.length; i++)
          expect(Math.max(...steps.slice(i, i + 12))).toBeGreaterThan(0.4);
        // the first card is in the template's colours, not a flat grey
        const px = frameAt(join(out, 'video.mp4'), 1.5, meta.width, meta.height);
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
});
