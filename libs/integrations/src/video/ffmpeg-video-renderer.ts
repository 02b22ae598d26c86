import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runFfmpeg } from '../ffmpeg/run-ffmpeg';
import { runFfmpegWithProgress } from '../ffmpeg/ffmpeg-progress';
import { detectBeats } from '../song/beat-detector';
import { Usage } from '../lyrics/lyrics-engine';
import { MediaSource } from '../song/song-engine';
import { koreanFontFile } from './korean-font';
import { gradientStill, mediaBytes, photoStill } from './video-stills';
import {
  Caption,
  CaptionWord,
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
  fitText,
  maxVisuals,
  planTimeline,
  SAFE_AREA,
  Shot,
  textWidth,
  Timeline,
  wrapText,
} from './video-timeline';

const FPS = 30;
/**
 * x264's preset: ultrafast keeps a 30 s 1080x1920 render under 0.5x real time on 2 cores with
 * the filter graph beside it (superfast costs about a third more CPU, veryfast half as much
 * again; bench:render compares them with BENCH_RENDER_PRESETS)
 */
const DEFAULT_PRESET = 'ultrafast';
/** the frame every size in a template refers to */
const REF_WIDTH = 1080;

export interface FfmpegRenderOptions {
  /** x264 preset: speed against size (default ultrafast) */
  preset?: string;
  /** draw the lyric captions (off only to compare frames in tests) */
  captions?: boolean;
  /** frame width (height is 16:9 of it): 1080 in production, smaller to test the layout fast */
  width?: number;
}

/** Where a caption was drawn, for checking a render against the safe area. */
export interface CaptionPlacement {
  text: string;
  startSec: number;
  endSec: number;
  rect: { x: number; y: number; w: number; h: number };
}

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
  captions: CaptionPlacement[];
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

  constructor(
    private readonly workDir: string,
    private readonly timeoutMs: number,
    private readonly opts: FfmpegRenderOptions = {},
  ) {
    super();
  }

  async submit(
    req: VideoRequest,
    idempotencyKey: string,
    signal?: AbortSignal,
    opts: RenderOptions = {},
  ): Promise<RenderSubmission> {
    const taskId = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
    const dir = join(this.workDir, 'renders', taskId);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    try {
      await this.render(req, dir, signal, opts.onProgress);
    } catch (err) {
      // a failed or stopped render leaves nothing behind; the next attempt starts clean
      await this.discard(taskId);
      throw err;
    }
    // our own CPU: metered (priced as ffmpeg:render_second) so reports set it beside Creatomate
    // rendered here, inside the submission: ready when it returns
    return {
      taskId,
      usage: cpuUsage(req.durationSec),
      engine: this.name,
      readyWhenSubmitted: true,
    };
  }

  /** Never called back (it renders inside the submission); its charge is its CPU all the same. */
  recoveredUsage(req: { lengthSec: number }): Usage {
    return cpuUsage(req.lengthSec);
  }

  /** The render's work folder goes once its video is stored (or the render given up on). */
  override async discard(taskId: string): Promise<void> {
    if (!/^[0-9a-f]{32}$/.test(taskId)) return;
    await rm(join(this.workDir, 'renders', taskId), { recursive: true, force: true });
  }

  async poll(taskId: string): Promise<VideoPoll> {
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

  /** Renders into `dir`: video.mp4, thumb.jpg, meta.json. */
  async render(
    req: VideoRequest,
    dir: string,
    signal?: AbortSignal,
    onProgress?: RenderProgressListener,
  ): Promise<RenderMeta> {
    await mkdir(dir, { recursive: true });
    const tpl = videoTemplate(req.templateId);
    const W = even(this.opts.width ?? REF_WIDTH);
    const H = even((W * 16) / 9);
    const D = Math.max(END_CARD_SEC + 2, req.durationSec);
    const g = new Graph(dir, W, H, tpl);
    const { beats, beatSource } = await this.beatsOf(req, dir, signal);
    // stills a margin larger than the frame: room for the pans and zooms
    const still = { w: even(W * (1 + tpl.motion.margin)), h: even(H * (1 + tpl.motion.margin)) };
    const photos = req.photos.slice(0, maxVisuals(D));
    const cards = photos.length ? [] : titleCards(req);
    const stills = await this.stills(photos, cards, dir, tpl, still);
    const timeline = planTimeline(D, stills.length, beats, tpl);
    await drawPictures(g, req, timeline, stills, cards, still, D);
    const shown = this.opts.captions === false ? [] : captionsShown(req.captions, timeline);
    const placed = await drawCaptions(g, shown);
    // the platforms' loudness: the song measured once, normalised in the render's own run
    const audioPath = mediaPath(req.audio);
    const loudness = await measureSongLoudness(audioPath, D, { timeoutMs: this.timeoutMs, signal });
    g.filters.push(soundTrack(g.input(audioPath, false), D, loudness));
    const out = join(dir, 'video.mp4');
    await this.encode(g, out, D, signal, onProgress);
    // the thumbnail: the first picture with its caption, once it is fully in
    const thumbAt = Math.min(D / 2, (placed[0]?.startSec ?? 1) + 0.5);
    await writeThumbnail(out, thumbAt, join(dir, 'thumb.jpg'), signal);
    const scale = W / REF_WIDTH;
    const meta: RenderMeta = {
      durationSec: D,
      width: W,
      height: H,
      templateId: tpl.id,
      beatSource,
      cuts: timeline.shots.map((s) => Number(s.cutSec.toFixed(3))),
      visuals: stills.length,
      captions: placed,
      endCardFromSec: D - END_CARD_SEC,
      safeArea: {
        left: SAFE_AREA.left * scale,
        right: SAFE_AREA.right * scale,
        top: SAFE_AREA.top * scale,
        bottom: SAFE_AREA.bottom * scale,
      },
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

  /** The pictures as still files of `size`: each photo, or without photos the title cards. */
  private async stills(
    photos: MediaSource[],
    cards: TitleCard[],
    dir: string,
    tpl: VideoTemplate,
    size: { w: number; h: number },
  ): Promise<string[]> {
    const stills: string[] = [];
    for (const [i, photo] of photos.entries()) {
      const file = join(dir, `photo-${i}.jpg`);
      await photoStill(await mediaBytes(photo, this.timeoutMs), size.w, size.h, file);
      stills.push(file);
    }
    for (const [i] of cards.entries()) {
      const file = join(dir, `card-${i}.jpg`);
      const colors = tpl.colors.backgrounds[i % tpl.colors.backgrounds.length];
      await gradientStill(colors, tpl.colors.accent, i + 1, size.w, size.h, file);
      stills.push(file);
    }
    return stills;
  }

  /** The encode of the filter graph into `out` (H.264/AAC, faststart), with its progress. */
  private async encode(
    g: Graph,
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
        '-c:v',
        'libx264',
        '-preset',
        this.opts.preset ?? DEFAULT_PRESET,
        '-crf',
        '23',
        '-pix_fmt',
        'yuv420p',
        '-r',
        String(FPS),
        '-c:a',
        'aac',
        '-b:a',
        '128k',
        '-ar',
        '48000',
        '-t',
        num(D),
        '-movflags',
        '+faststart',
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

/**
 * The picture track `[body]`: each shot's still in motion (a title card with its words), the
 * end card, and the transitions between them on the timeline's cuts.
 */
async function drawPictures(
  g: Graph,
  req: VideoRequest,
  timeline: Timeline,
  stills: string[],
  cards: TitleCard[],
  still: { w: number; h: number },
  D: number,
): Promise<void> {
  for (const [k, shot] of timeline.shots.entries()) {
    const input = g.input(stills[shot.visual]);
    let chain = g.motion(input, shot.move, shot.lengthSec);
    if (cards.length) chain += await g.titleCardText(cards[shot.visual]);
    g.filters.push(`${chain},setsar=1,format=yuv420p[s${k}]`);
  }
  const endBg = join(g.dir, 'end-card.jpg');
  const tpl = g.tpl;
  await gradientStill(tpl.endCard.background, tpl.colors.accent, 99, still.w, still.h, endBg);
  const endLength = D - timeline.endCardInSec;
  // the end card drifts gently: alive, but held as one composition
  g.filters.push(
    `${g.motion(g.input(endBg), 'panDown', endLength, 0.3)}${await g.endCardText(req, timeline)},setsar=1,format=yuv420p[end]`,
  );
  let last = 's0';
  for (const [k, shot] of timeline.shots.entries()) {
    if (k === 0) continue;
    g.filters.push(
      `[${last}][s${k}]xfade=transition=${shot.transition}:duration=${num(timeline.transitionSec)}:offset=${num(shot.inSec)}[x${k}]`,
    );
    last = `x${k}`;
  }
  g.filters.push(
    `[${last}][end]xfade=transition=fade:duration=${num(timeline.transitionSec)}:offset=${num(timeline.endCardInSec)}[body]`,
  );
}

/** The lyric captions over `[body]` into `[vout]`; where each was drawn. */
async function drawCaptions(g: Graph, shown: Caption[]): Promise<CaptionPlacement[]> {
  const placed: CaptionPlacement[] = [];
  const drawn: string[] = [];
  for (const c of shown) {
    const { filters, rect } = await g.caption(c.text, c.startSec, c.endSec, c.words);
    drawn.push(...filters);
    placed.push({ text: c.text, startSec: c.startSec, endSec: c.endSec, rect });
  }
  g.filters.push(`[body]${drawn.length ? drawn.join(',') + ',' : ''}format=yuv420p[vout]`);
  return placed;
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

type TitleCard = { label: string; text: string; note?: string };

/** Without photos: the store's name, then its menu items, then where it is. */
function titleCards(req: VideoRequest): TitleCard[] {
  const e = req.endCard;
  const category = e.category?.split('>').pop()?.trim();
  const cards: TitleCard[] = [{ label: category || '우리 동네', text: e.name }];
  for (const item of (e.menu ?? []).slice(0, 4)) cards.push({ label: '대표 메뉴', text: item });
  const area = e.address?.split(/\s+/).slice(0, 3).join(' ');
  if (area) cards.push({ label: '찾아오시는 길', text: area, note: e.phone ?? undefined });
  return cards;
}

/** A filter graph under construction: inputs, filters, text files, sizes scaled to the frame. */
class Graph {
  readonly inputs: string[] = [];
  readonly filters: string[] = [];
  private texts = 0;
  private readonly k: number;

  constructor(
    readonly dir: string,
    private readonly W: number,
    private readonly H: number,
    readonly tpl: VideoTemplate,
  ) {
    this.k = W / REF_WIDTH;
  }

  /** an input file (a still is read at the video's frame rate); returns its index */
  input(path: string, still = true): number {
    if (still) this.inputs.push('-framerate', String(FPS));
    this.inputs.push('-i', path);
    return this.inputs.filter((a) => a === '-i').length - 1;
  }

  /** px at 1080 wide, scaled to this frame */
  px(ref: number): number {
    return Math.round(ref * this.k);
  }

  /**
   * A still that moves for `lengthSec`: a pan is a moving crop (nearly free); a zoom scales
   * every frame (zoompan), so templates use it for some shots only.
   */
  motion(input: number, move: Shot['move'], lengthSec: number, travel = 1): string {
    const frames = Math.ceil(lengthSec * FPS) + 1;
    const { W, H } = this;
    const p = `(${travel}*t/${num(lengthSec)})`;
    if (move === 'zoomIn' || move === 'zoomOut') {
      const m = this.tpl.motion.margin;
      const z = move === 'zoomIn' ? `1+${m}*on/${frames}` : `${1 + m}-${m}*on/${frames}`;
      return (
        `[${input}:v]format=yuv420p,zoompan=z='${z}':x='iw/2-iw/zoom/2':y='ih/2-ih/zoom/2'` +
        `:d=${frames}:s=${W}x${H}:fps=${FPS},settb=1/${FPS},setpts=N`
      );
    }
    const x = {
      panLeft: `(in_w-out_w)*(1-${p})`,
      panRight: `(in_w-out_w)*${p}`,
      panUp: `(in_w-out_w)/2`,
      panDown: `(in_w-out_w)/2`,
    }[move];
    const y = {
      panLeft: `(in_h-out_h)/2`,
      panRight: `(in_h-out_h)/2`,
      panUp: `(in_h-out_h)*(1-${p})`,
      panDown: `(in_h-out_h)*${p}`,
    }[move];
    return (
      `[${input}:v]format=yuv420p,loop=loop=${frames - 1}:size=1:start=0,settb=1/${FPS},setpts=N,` +
      `crop=${W}:${H}:x='${x}':y='${y}'`
    );
  }

  /** a text in a file (drawtext reads it as is: no escaping of the owner's words) */
  async textFile(value: string): Promise<string> {
    const file = join(this.dir, `text-${this.texts++}.txt`);
    await writeFile(file, value);
    return escapePath(file);
  }

  font(role: keyof VideoTemplate['fonts']): string {
    return `fontfile='${escapePath(koreanFontFile(this.tpl.fonts[role]))}'`;
  }

  /** a title card's words sliding up and fading in, in the card's own time */
  async titleCardText(card: TitleCard): Promise<string> {
    const t = this.tpl.title;
    const c = this.tpl.colors;
    const maxW = this.px(SAFE_AREA.right - SAFE_AREA.left - 48);
    const big = fitText(card.text, this.px(t.nameSize), this.px(72), maxW, 3);
    const cx = this.px((SAFE_AREA.left + SAFE_AREA.right) / 2);
    const rowH = Math.round(big.size * 1.25);
    const top = Math.round(this.H * 0.36 - (big.rows.length * rowH) / 2);
    const parts: string[] = [];
    const draw = async (
      text: string,
      font: string,
      size: number,
      color: string,
      y: number,
      delay: number,
    ) =>
      parts.push(
        `drawtext=${font}:textfile='${await this.textFile(text)}':fontsize=${size}:fontcolor=${ff(color)}:` +
          // a soft shadow keeps light words legible on the brighter gradients
          `shadowx=${this.px(3)}:shadowy=${this.px(3)}:shadowcolor=0x000000@0.35:` +
          `x=${cx}-text_w/2:y='${y}+${this.px(60)}*pow(max(0,1-(t-${delay})/0.6),2)':` +
          `alpha='min(1,max(0,(t-${delay})/0.45))'`,
      );
    await draw(
      card.label,
      this.font('body'),
      this.px(t.labelSize),
      c.accent,
      top - this.px(110),
      0.25,
    );
    for (const [i, row] of big.rows.entries())
      await draw(row, this.font(t.font), big.size, c.text, top + i * rowH, 0.35 + 0.1 * i);
    if (card.note)
      await draw(
        card.note,
        this.font('body'),
        this.px(t.labelSize),
        c.muted,
        top + big.rows.length * rowH + this.px(40),
        0.6,
      );
    return ',' + parts.join(',');
  }

  /**
   * The end card as one composition: name, a rule, menu highlight, address, phone and a call
   * to action, aligned alike (centred or flush left), centred as a block in the safe area;
   * its parts come in one after another, the call to action pulses.
   */
  async endCardText(req: VideoRequest, timeline: Timeline): Promise<string> {
    const e = this.tpl.endCard;
    const c = this.tpl.colors;
    const left = this.px(SAFE_AREA.left + 24);
    const maxW = this.px(SAFE_AREA.right - SAFE_AREA.left - 48);
    const cx = this.px((SAFE_AREA.left + SAFE_AREA.right) / 2);
    type Item = { h: number; draw: (y: number, i: number) => Promise<string> };
    const items: Item[] = [];
    const fadeIn = (i: number) =>
      `alpha='min(1,max(0,(t-${num(timeline.transitionSec * 0.6 + 0.12 * i)})/0.35))'`;
    const x = e.align === 'center' ? `${cx}-text_w/2` : `${left}`;
    const textRows = (
      rows: string[],
      size: number,
      font: string,
      color: string,
      gap = 1.25,
    ): Item => ({
      h: Math.round(rows.length * size * gap),
      draw: async (y, i) => {
        const out: string[] = [];
        for (const [r, row] of rows.entries())
          out.push(
            `drawtext=${font}:textfile='${await this.textFile(row)}':fontsize=${size}:fontcolor=${ff(color)}:` +
              `x=${x}:y=${y + Math.round(r * size * gap)}:${fadeIn(i)}`,
          );
        return out.join(',');
      },
    });
    const space = (ref: number): Item => ({ h: this.px(ref), draw: async () => '' });
    const name = fitText(req.endCard.name, this.px(e.nameSize), this.px(64), maxW, 2);
    items.push(textRows(name.rows, name.size, this.font(e.nameFont), c.text, 1.2));
    const ruleW = this.px(150);
    items.push(space(24), {
      h: this.px(10),
      draw: async (y, i) =>
        `drawbox=x=${e.align === 'center' ? cx - ruleW / 2 : left}:y=${y}:w=${ruleW}:h=${this.px(10)}:color=${ff(c.accent)}:t=fill:` +
        `enable='gte(t,${num(timeline.transitionSec * 0.6 + 0.12 * i)})'`,
    });
    items.push(space(44));
    const menu = (req.endCard.menu ?? [])
      .slice(0, 3)
      .map((item) => item.trim().replace(/\s+/g, '\u00a0'))
      .join(' · ');
    if (menu) {
      items.push(textRows([e.menuLabel], this.px(44), this.font('body'), c.accent));
      const m = fitText(menu, this.px(66), this.px(48), maxW, 2);
      items.push(textRows(m.rows, m.size, this.font('body'), c.text), space(40));
    }
    if (req.endCard.address) {
      const a = fitText(req.endCard.address, this.px(46), this.px(36), maxW, 2);
      items.push(textRows(a.rows, a.size, this.font('body'), c.muted));
    }
    if (req.endCard.phone)
      items.push(
        space(8),
        textRows([req.endCard.phone], this.px(60), this.font('caption'), c.text),
      );
    const ctaSize = this.px(62);
    const pad = this.px(26);
    items.push(space(60), {
      h: ctaSize + 2 * pad,
      draw: async (y, i) =>
        `drawtext=${this.font('caption')}:textfile='${await this.textFile(e.cta)}':fontsize=${ctaSize}:` +
        `fontcolor=${ff(e.ctaTextColor)}:box=1:boxcolor=${ff(c.accent)}:boxborderw=${pad}:` +
        `x=${e.align === 'center' ? `${cx}-text_w/2` : left + pad}:y=${y + pad}:` +
        `enable='gte(t,${num(timeline.transitionSec * 0.6 + 0.12 * i)})'`,
    });
    const total = items.reduce((s, it) => s + it.h, 0);
    const safeTop = this.px(SAFE_AREA.top);
    const safeH = this.px(SAFE_AREA.bottom - SAFE_AREA.top);
    let y = safeTop + Math.max(0, Math.round((safeH - total) / 2));
    const parts: string[] = [];
    for (const [i, it] of items.entries()) {
      const f = await it.draw(y, i);
      if (f) parts.push(f);
      y += it.h;
    }
    return parts.length ? ',' + parts.join(',') : '';
  }

  /**
   * One lyric line, large, on a plate, inside the safe area; with karaoke on and a voice
   * singing it (`words`), each word lights up when it is sung (each lit prefix drawn at the
   * row's own start, so it lies exactly over the row). Without a voice, no highlight: an
   * instrumental's captions would light up words nobody sings.
   */
  async caption(
    text: string,
    start: number,
    end: number,
    sung?: CaptionWord[],
  ): Promise<{ filters: string[]; rect: CaptionPlacement['rect'] }> {
    const s = this.tpl.caption;
    const pad = this.px(s.platePadding);
    const size = this.px(s.fontSize);
    const maxW = this.px(SAFE_AREA.right - SAFE_AREA.left) - 2 * pad;
    const rows = wrapText(text, size, maxW);
    const pitch = Math.round(size * 1.3 + pad);
    const blockH = rows.length * pitch - pad;
    const top = Math.round(this.H * s.centerY - blockH / 2);
    const cx = this.px((SAFE_AREA.left + SAFE_AREA.right) / 2);
    const font = this.font(s.font);
    const enable = `enable='between(t,${num(start)},${num(end)})'`;
    const border = s.borderWidth
      ? `:borderw=${this.px(s.borderWidth)}:bordercolor=${ff(s.borderColor)}`
      : '';
    const filters: string[] = [];
    const words = rows.map((r) => r.split(' '));
    const totalWords = words.reduce((n, w) => n + w.length, 0);
    const karaoke = s.karaoke && sung?.length === totalWords;
    let wordNo = 0;
    let widest = 0;
    for (const [r, row] of rows.entries()) {
      const width = textWidth(row, size);
      widest = Math.max(widest, width);
      const x0 = Math.max(this.px(SAFE_AREA.left) + pad, Math.round(cx - width / 2));
      const y = top + r * pitch;
      filters.push(
        `drawtext=${font}:textfile='${await this.textFile(row)}':fontsize=${size}:fontcolor=${ff(s.color)}${border}:` +
          `box=1:boxcolor=${ff(s.plateColor)}:boxborderw=${pad}:x=${x0}:y=${y}:${enable}`,
      );
      if (!karaoke) continue;
      for (let w = 1; w <= words[r].length; w++) {
        const lit = Math.max(start, sung[wordNo++].startSec);
        filters.push(
          `drawtext=${font}:textfile='${await this.textFile(words[r].slice(0, w).join(' '))}':fontsize=${size}:` +
            `fontcolor=${ff(s.highlightColor)}${border}:x=${x0}:y=${y}:enable='between(t,${num(lit)},${num(end)})'`,
        );
      }
    }
    const w = Math.min(maxW, Math.round(widest)) + 2 * pad;
    return {
      filters,
      rect: { x: Math.round(cx - w / 2), y: top - pad, w, h: blockH + 2 * pad },
    };
  }
}

function mediaPath(m: MediaSource): string {
  return m.kind === 'file' ? m.path : m.url;
}

const even = (x: number) => Math.round(x / 2) * 2;
const num = (x: number) => x.toFixed(3);
/** "#rrggbb@a" as FFmpeg writes colours */
const ff = (c: string) => c.replace('#', '0x');
/** a path inside a filtergraph option: ':' and quotes escaped */
const escapePath = (p: string) => p.replace(/\\/g, '/').replace(/:/g, '\\:').replace(/'/g, "\\'");
