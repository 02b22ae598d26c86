import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobStore } from '../blob/blob-store';
import { runFfmpeg } from '../ffmpeg/run-ffmpeg';
import { runFfmpegWithProgress } from '../ffmpeg/ffmpeg-progress';
import { detectBeats } from '../song/beat-detector';
import { Usage } from '../lyrics/lyrics-engine';
import { storeAccent } from './video-accent';
import { even, FilterGraph, FPS, mediaPath, num, REF_WIDTH } from './ffmpeg-graph';
import { CaptionPlacement, drawCaptions } from './video-captions';
import { hookEndSec, hookText, priceTags, priceTagTimes } from './video-callouts';
import { drawPictures, ShotStill } from './video-pictures';
import {
  gradientStill,
  mediaBytes,
  PHOTO_FRAMINGS,
  PhotoFraming,
  photoStill,
  StillSize,
  WHOLE_OVER,
} from './video-stills';
import { TitleCard, titleCards } from './video-title-cards';
import { RenderHandOff } from './render-hand-off';
import {
  RenderOptions,
  RenderProgressListener,
  RenderSubmission,
  VideoPoll,
  VideoRenderer,
  VideoRequest,
} from './video-renderer';
import { VideoTemplate, videoTemplate } from './video-template';
import { measureSongLoudness, soundTrack } from './video-sound';
import {
  captionsShown,
  END_CARD_SEC,
  maxVisuals,
  planTimeline,
  SAFE_AREA,
  Shot,
  Timeline,
} from './video-timeline';

export type { CaptionPlacement } from './video-captions';

/**
 * x264's preset: ultrafast keeps a 30 s 1080x1920 render under 0.5x real time on 2 cores with
 * the filter graph beside it (superfast costs about a third more CPU, veryfast half as much
 * again; bench:render compares them with BENCH_RENDER_PRESETS)
 */
export const DEFAULT_PRESET = 'ultrafast';

export interface FfmpegRenderOptions {
  /** x264 preset: speed against size (default ultrafast) */
  preset?: string;
  /** draw the lyric captions (off only to compare frames in tests) */
  captions?: boolean;
  /** frame width (height is 16:9 of it): 1080 in production, smaller to test the layout fast */
  width?: number;
  /**
   * where a finished render is handed to the host that polls it, when that may be another host
   * (Bull workers); without, it stays in the work dir for this host's poll
   */
  handOff?: BlobStore;
}

/** a render's task id: its key's hash, and a run's nonce when handed off through the blob store */
const TASK_ID = /^([0-9a-f]{32})(-[0-9a-f]{8})?$/;

/** What a render wrote beside its video (meta.json). */
export interface RenderMeta {
  durationSec: number;
  width: number;
  height: number;
  templateId: string;
  /** the beats the cuts were placed on, and where they came from */
  beatSource: 'song' | 'detected' | 'none';
  cuts: number[];
  visuals: number;
  /** each shot: its photo (or card), how it is framed, its move and its time */
  shots: {
    visual: number;
    framing: PhotoFraming | 'card';
    move: Shot['move'];
    inSec: number;
    lengthSec: number;
  }[];
  captions: CaptionPlacement[];
  /** the accent the look was drawn with: from the store's photos, or the look's own */
  accent: { accent: string; source: 'photos' | 'look' };
  /** the hook shows until this; the price tags from these, for 2.5 s each */
  callouts: { hookEndSec: number; priceTagsFromSec: number[] };
  endCardFromSec: number;
  safeArea: { left: number; right: number; top: number; bottom: number };
}

/** Our CPU by the rendered second (a render takes a few seconds however short). */
function cpuUsage(sec: number): Usage {
  return { unit: 'render_second', units: Math.max(3, sec) };
}

/**
 * The local renderer, offline and in production: H.264/AAC at 30 fps, 1080x1920. Every photo
 * is used, cycling over the length, each laid over a blurred fill of itself (no distortion,
 * no hard crop), panning or zooming, cut on the song's beats with a transition; without
 * photos, designed title cards (name, menu, area) in the template's colours. Lyric captions
 * one line at a time inside the Shorts/Reels safe area (optionally lighting up word by word),
 * then an end card for the last 3 s. Looks come from data files (video-template.ts).
 */
export class FfmpegVideoRenderer extends VideoRenderer {
  readonly name = 'ffmpeg' as const;
  readonly dedupesByKey = true;
  private readonly handOff?: RenderHandOff;

  constructor(
    private readonly workDir: string,
    private readonly timeoutMs: number,
    private readonly opts: FfmpegRenderOptions = {},
  ) {
    super();
    if (opts.handOff) this.handOff = new RenderHandOff(opts.handOff);
  }

  async submit(
    req: VideoRequest,
    idempotencyKey: string,
    signal?: AbortSignal,
    opts: RenderOptions = {},
  ): Promise<RenderSubmission> {
    const keyHash = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
    const dir = join(this.workDir, 'renders', keyHash);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    try {
      await this.render(req, dir, signal, opts.onProgress);
    } catch (err) {
      // a failed or stopped render leaves nothing behind; the next attempt starts clean
      await this.discard(keyHash);
      throw err;
    }
    const taskId = this.handOff ? await this.handOver(keyHash, dir) : keyHash;
    // our own CPU: metered (priced as ffmpeg:render_second) so reports set it beside Creatomate
    // rendered here, inside the submission: ready when it returns
    return {
      taskId,
      usage: this.submittedUsage(req),
      engine: this.name,
      readyWhenSubmitted: true,
    };
  }

  /** Never called back (it renders inside the submission); its charge is its CPU all the same. */
  recoveredUsage(req: { lengthSec: number }): Usage {
    return cpuUsage(req.lengthSec);
  }

  submittedUsage(req: Pick<VideoRequest, 'durationSec'>): Usage {
    return cpuUsage(req.durationSec);
  }

  /**
   * The finished render in the blob store under a task id of this run; the work dir emptied
   * (the host that polls may be another one).
   */
  private async handOver(keyHash: string, dir: string): Promise<string> {
    const taskId = this.handOff!.taskIdFor(keyHash);
    try {
      await this.handOff!.put(taskId, dir);
    } catch (err) {
      await this.discard(taskId);
      throw err;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    return taskId;
  }

  /** The render's work folder (or its handed-off files) go once its video is stored, or the render given up on. */
  override async discard(taskId: string): Promise<void> {
    const id = TASK_ID.exec(taskId);
    if (!id) return;
    await rm(join(this.workDir, 'renders', id[1]), { recursive: true, force: true });
    if (id[2] && this.handOff) await this.handOff.discard(taskId);
  }

  async poll(taskId: string): Promise<VideoPoll> {
    if (this.handOff && TASK_ID.exec(taskId)?.[2]) return this.pollHandedOff(taskId);
    const dir = join(this.workDir, 'renders', taskId);
    if (!existsSync(join(dir, 'meta.json')))
      return { status: 'failed', reason: 'the rendered video is missing (work folder cleared?)' };
    const meta: RenderMeta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8'));
    return {
      status: 'done',
      engine: this.name,
      video: { kind: 'file', path: join(dir, 'video.mp4'), contentType: 'video/mp4' },
      thumbnail: { kind: 'file', path: join(dir, 'thumb.jpg'), contentType: 'image/jpeg' },
      durationSec: meta.durationSec,
      width: meta.width,
      height: meta.height,
    };
  }

  private async pollHandedOff(taskId: string): Promise<VideoPoll> {
    const r = await this.handOff!.get<RenderMeta>(taskId);
    if (!r)
      return { status: 'failed', reason: 'the rendered video is missing from the blob store' };
    const { meta, video, thumbnail } = r;
    const { durationSec, width, height } = meta;
    return { status: 'done', engine: this.name, video, thumbnail, durationSec, width, height };
  }

  /** Renders into `dir`: video.mp4, thumb.jpg, meta.json. */
  async render(
    req: VideoRequest,
    dir: string,
    signal?: AbortSignal,
    onProgress?: RenderProgressListener,
  ): Promise<RenderMeta> {
    await mkdir(dir, { recursive: true });
    const D = Math.max(END_CARD_SEC + 2, req.durationSec);
    const photos = await Promise.all(
      req.photos.slice(0, maxVisuals(D)).map((p) => mediaBytes(p, this.timeoutMs)),
    );
    const look = videoTemplate(req.templateId);
    // the look in the store's colours: its accent from the photos when words on it stay legible
    const accent = await storeAccent(photos, look);
    const tpl = { ...look, colors: { ...look.colors, accent: accent.accent } };
    const W = even(this.opts.width ?? REF_WIDTH);
    const H = even((W * 16) / 9);
    const g = new FilterGraph(dir, W, H, tpl);
    const { beats, beatSource } = await this.beatsOf(req, dir, signal);
    // stills a margin larger than the frame: room for the pans and zooms
    const m = 1 + tpl.motion.margin;
    const size: StillSize = { frame: { w: W, h: H }, canvas: { w: even(W * m), h: even(H * m) } };
    const cards = photos.length ? [] : titleCards(req);
    const timeline = planTimeline(D, photos.length || cards.length, beats, tpl);
    // the song's loudness measured while the stills are made (FFmpeg on the song, sharp on photos)
    const audioPath = mediaPath(req.audio);
    const measuring = measureSongLoudness(audioPath, D, { timeoutMs: this.timeoutMs, signal });
    const stills = await this.stills(timeline, photos, cards, dir, tpl, size).catch(async (err) => {
      await measuring.catch(() => undefined);
      throw err;
    });
    await drawPictures(g, req, timeline, (k) => stills[k], cards, size.canvas, D);
    const shown = this.opts.captions === false ? [] : captionsShown(req.captions, timeline);
    const hookEnd = hookEndSec(shown);
    // the hook and the price tags call out over photos (title cards say it all themselves)
    const tagTimes = photos.length ? priceTagTimes(timeline.endCardInSec, hookEnd) : [];
    const tags = await priceTags(g, req, tagTimes);
    const callouts = photos.length ? [await hookText(g, req, hookEnd), tags].filter(Boolean) : [];
    g.filters.push(`[body]${callouts.join(',') || 'null'}[called]`);
    const placed = await drawCaptions(g, shown, 'called');
    // the platforms' loudness: the song measured once, normalised in the render's own run
    g.filters.push(soundTrack(g.input(audioPath, false), D, await measuring));
    const out = join(dir, 'video.mp4');
    await this.encode(g, out, D, signal, onProgress);
    // the thumbnail is the hook: the name (and the selling line) over the first photo
    const thumbAt = photos.length ? 0.5 : Math.min(D / 2, 1.5);
    await writeThumbnail(out, thumbAt, join(dir, 'thumb.jpg'), signal);
    const meta = renderMeta(tpl, timeline, { W, H, D }, beatSource, placed, stills);
    meta.accent = accent;
    meta.callouts = {
      hookEndSec: photos.length ? hookEnd : 0,
      priceTagsFromSec: tags ? tagTimes : [],
    };
    await writeFile(join(dir, 'meta.json'), JSON.stringify(meta));
    return meta;
  }

  /** The pulse to cut on: the song's own, else found in the audio, else none. */
  private async beatsOf(
    req: VideoRequest,
    dir: string,
    signal?: AbortSignal,
  ): Promise<{ beats?: number[]; beatSource: RenderMeta['beatSource'] }> {
    if (req.beats?.times.length) return { beats: req.beats.times, beatSource: 'song' };
    const found = await detectBeats(req.audio, {
      timeoutMs: this.timeoutMs,
      workDir: dir,
      signal,
    }).catch(() => null);
    return found?.times ? { beats: found.times, beatSource: 'detected' } : { beatSource: 'none' };
  }

  /**
   * Each shot's still: a photo (framed whole the first time it shows, then closer to its
   * subject the next times), or without photos its title card.
   */
  private async stills(
    timeline: Timeline,
    photos: Buffer[],
    cards: TitleCard[],
    dir: string,
    tpl: VideoTemplate,
    size: StillSize,
  ): Promise<RenderedStill[]> {
    const made = new Map<string, Promise<RenderedStill>>();
    const out = timeline.shots.map((shot, k) => {
      const v = shot.visual;
      const framing = photos.length ? framingOf(k, photos.length) : 'card';
      const key = `${v}-${framing}`;
      const file = join(dir, `still-${key}.jpg`);
      if (!made.has(key)) made.set(key, this.still(v, framing, file, photos, tpl, size));
      return made.get(key)!;
    });
    // made side by side (JPEG decoding and encoding are mostly one core's work each), and all
    // ended before a failure is thrown: nothing writes into the work dir once it is cleared
    const settled = await Promise.allSettled(out);
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.map((r) => (r as PromiseFulfilledResult<RenderedStill>).value);
  }

  /** One still: a title card's background, or a photo framed whole, close up or in detail. */
  private async still(
    v: number,
    framing: PhotoFraming | 'card',
    file: string,
    photos: Buffer[],
    tpl: VideoTemplate,
    size: StillSize,
  ): Promise<RenderedStill> {
    if (framing === 'card') {
      const colors = tpl.colors.backgrounds[v % tpl.colors.backgrounds.length];
      const { w, h } = size.canvas;
      await gradientStill(colors, tpl.colors.accent, v + 1, w, h, file);
      return { file, visual: v, framing, range: { x: 1, y: 1 } };
    }
    const fits = await photoStill(photos[v], size, framing, file);
    // along the side a whole photo spans, a pan travels only the 5% it is larger by
    const cap = Math.min(1, (WHOLE_OVER - 1) / tpl.motion.margin);
    return {
      file,
      visual: v,
      framing,
      range: { x: fits.width ? cap : 1, y: fits.height ? cap : 1 },
    };
  }

  /** The encode of the filter graph into `out` (H.264/AAC, faststart), with its progress. */
  private async encode(
    g: FilterGraph,
    out: string,
    D: number,
    signal?: AbortSignal,
    onProgress?: RenderProgressListener,
  ): Promise<void> {
    const script = join(g.dir, 'filters.txt');
    await writeFile(script, g.filters.join(';\n'));
    await runFfmpegWithProgress(
      [
        '-y',
        '-hide_banner',
        '-loglevel',
        'error',
        ...g.inputs,
        '-filter_complex_script',
        script,
        '-map',
        '[vout]',
        '-map',
        '[aout]',
        ...encoding(this.opts.preset ?? DEFAULT_PRESET, D),
        `${out}.tmp.mp4`,
      ],
      {
        timeoutMs: this.timeoutMs,
        signal,
        durationSec: D,
        onProgress: onProgress && ((fraction) => onProgress({ fraction })),
      },
    );
    await rename(`${out}.tmp.mp4`, out);
  }
}

/** A shot's still as rendered: which photo, framed how. */
interface RenderedStill extends ShotStill {
  visual: number;
  framing: PhotoFraming | 'card';
}

/** a photo's n-th showing is framed the n-th way (cycling): whole, close-up, detail */
function framingOf(shotIndex: number, photoCount: number): PhotoFraming {
  const showing = Math.floor(shotIndex / photoCount);
  return PHOTO_FRAMINGS[showing % PHOTO_FRAMINGS.length];
}

function renderMeta(
  tpl: VideoTemplate,
  timeline: Timeline,
  size: { W: number; H: number; D: number },
  beatSource: RenderMeta['beatSource'],
  captions: CaptionPlacement[],
  stills: RenderedStill[],
): RenderMeta {
  const scale = size.W / REF_WIDTH;
  return {
    durationSec: size.D,
    width: size.W,
    height: size.H,
    templateId: tpl.id,
    beatSource,
    cuts: timeline.shots.map((s) => Number(s.cutSec.toFixed(3))),
    visuals: new Set(stills.map((s) => s.visual)).size,
    shots: timeline.shots.map((s, k) => ({
      visual: s.visual,
      framing: stills[k].framing,
      move: s.move,
      inSec: Number(s.inSec.toFixed(3)),
      lengthSec: Number(s.lengthSec.toFixed(3)),
    })),
    captions,
    accent: { accent: tpl.colors.accent, source: 'look' },
    callouts: { hookEndSec: 0, priceTagsFromSec: [] },
    endCardFromSec: size.D - END_CARD_SEC,
    safeArea: {
      left: SAFE_AREA.left * scale,
      right: SAFE_AREA.right * scale,
      top: SAFE_AREA.top * scale,
      bottom: SAFE_AREA.bottom * scale,
    },
  };
}

/** One frame of `video` at `atSec`, as a JPEG. */
async function writeThumbnail(
  video: string,
  atSec: number,
  file: string,
  signal?: AbortSignal,
): Promise<void> {
  await runFfmpeg(
    [
      '-y',
      '-hide_banner',
      '-loglevel',
      'error',
      '-ss',
      num(atSec),
      '-i',
      video,
      '-frames:v',
      '1',
      '-q:v',
      '3',
      file,
    ],
    { timeoutMs: 30_000, signal },
  );
}

/**
 * How every video we make is encoded: H.264 High in BT.709 (tagged), AAC 48 kHz, the exact
 * length, the index up front for streaming. Shared with bench:render's slideshow baseline, so
 * the two differ only in what is drawn.
 */
export function encoding(preset: string, lengthSec: number): string[] {
  return [
    '-c:v',
    'libx264',
    '-preset',
    preset,
    '-crf',
    '23',
    '-pix_fmt',
    'yuv420p',
    // High profile (8x8 transforms: ultrafast turns them off) and BT.709 colour, tagged
    '-profile:v',
    'high',
    '-x264-params',
    '8x8dct=1',
    '-colorspace',
    'bt709',
    '-color_primaries',
    'bt709',
    '-color_trc',
    'bt709',
    '-color_range',
    'tv',
    '-r',
    String(FPS),
    '-c:a',
    'aac',
    '-b:a',
    '128k',
    '-ar',
    '48000',
    '-t',
    num(lengthSec),
    '-movflags',
    '+faststart',
  ];
}
