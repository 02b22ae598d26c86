import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runFfmpeg } from '../ffmpeg/run-ffmpeg';
import { MediaSource } from '../song/song-engine';
import { RenderSubmission, VideoPoll, VideoRenderer, VideoRequest } from './video-renderer';

export const KOREAN_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc';
const W = 1080;
const H = 1920;
const FPS = 30;
const FADE = 0.5;
const SLIDE_COLORS = ['0x1f4e79', '0x7a2e3a', '0x2e6b4f', '0x5b3f86'];

export interface FfmpegRenderOptions {
  /** x264 preset: speed against size */
  preset?: string;
  /** draw the lyric captions (off only to compare frames in tests) */
  captions?: boolean;
}

/**
 * The local renderer, offline and in production: 1080x1920 H.264/AAC at 30 fps; photos with
 * a slow pan and cross-fades, lyric captions timed to the song in Noto CJK, an end card with
 * the store's name, address and phone, and a thumbnail. FFmpeg runs as a child process with
 * a timeout.
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
  ): Promise<RenderSubmission> {
    const taskId = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
    const dir = join(this.workDir, 'renders', taskId);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await this.render(req, dir, signal);
    // our own CPU: metered (priced as ffmpeg:render_second) so reports set it beside Creatomate
    return {
      taskId,
      usage: { unit: 'render_second', units: Math.max(3, req.durationSec) },
      engine: this.name,
    };
  }

  async poll(taskId: string): Promise<VideoPoll> {
    const dir = join(this.workDir, 'renders', taskId);
    if (!existsSync(join(dir, 'meta.json')))
      return { status: 'failed', reason: 'the rendered video is missing (work folder cleared?)' };
    const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8'));
    return {
      status: 'done',
      engine: this.name,
      video: { kind: 'file', path: join(dir, 'video.mp4'), contentType: 'video/mp4' },
      thumbnail: { kind: 'file', path: join(dir, 'thumb.jpg'), contentType: 'image/jpeg' },
      durationSec: meta.durationSec,
      width: W,
      height: H,
    };
  }

  /** Renders into `dir`: video.mp4, thumb.jpg, meta.json. */
  async render(req: VideoRequest, dir: string, signal?: AbortSignal): Promise<void> {
    const D = Math.max(3, req.durationSec);
    const endSec = Math.min(4, D * 0.2);
    const slides: MediaSource[] = req.photos.slice(0, 8);
    const S = Math.max(slides.length, 3);
    const L = (D - endSec + S * FADE) / S;
    const args = ['-y', '-hide_banner', '-loglevel', 'error'];
    const filters: string[] = [];
    const text = async (name: string, value: string) => {
      const file = join(dir, `${name}.txt`);
      await writeFile(file, value);
      return file.replace(/\\/g, '/').replace(/:/g, '\\:').replace(/'/g, "\\'");
    };
    const font = `fontfile=${KOREAN_FONT}`;
    for (let i = 0; i < S; i++) {
      const photo = slides[i];
      if (photo) {
        args.push(
          '-loop',
          '1',
          '-framerate',
          String(FPS),
          '-t',
          L.toFixed(3),
          '-i',
          mediaPath(photo),
        );
        // a slow diagonal pan over a slightly larger picture
        filters.push(
          `[${i}:v]scale=${W * 1.1}:${H * 1.1}:force_original_aspect_ratio=increase,crop=${W * 1.1}:${H * 1.1},` +
            `crop=${W}:${H}:x='(in_w-out_w)*t/${L.toFixed(3)}':y='(in_h-out_h)*(1-t/${L.toFixed(3)})',fps=${FPS},format=yuv420p,setsar=1[s${i}]`,
        );
      } else {
        args.push(
          '-f',
          'lavfi',
          '-t',
          L.toFixed(3),
          '-i',
          `color=c=${SLIDE_COLORS[i % SLIDE_COLORS.length]}:s=${W}x${H}:r=${FPS}`,
        );
        const title = await text(`slide${i}`, req.endCard.name);
        filters.push(
          `[${i}:v]drawtext=${font}:textfile='${title}':fontsize=110:fontcolor=white@0.92:x=(w-text_w)/2:y=h*0.3-${i * 40},format=yuv420p,setsar=1[s${i}]`,
        );
      }
    }
    // the end card
    args.push(
      '-f',
      'lavfi',
      '-t',
      endSec.toFixed(3),
      '-i',
      `color=c=0x111111:s=${W}x${H}:r=${FPS}`,
    );
    const endName = await text('end-name', req.endCard.name);
    const endLines = [req.endCard.address, req.endCard.phone].filter(Boolean).join('\n');
    const endInfo = await text('end-info', endLines || ' ');
    filters.push(
      `[${S}:v]drawtext=${font}:textfile='${endName}':fontsize=96:fontcolor=white:x=(w-text_w)/2:y=h*0.38,` +
        `drawtext=${font}:textfile='${endInfo}':fontsize=52:line_spacing=24:fontcolor=0xdddddd:x=(w-text_w)/2:y=h*0.52,format=yuv420p,setsar=1[s${S}]`,
    );
    // cross-fades: slide k joins at k*(L-FADE)
    let last = 's0';
    for (let k = 1; k <= S; k++) {
      filters.push(
        `[${last}][s${k}]xfade=transition=fade:duration=${FADE}:offset=${(k * (L - FADE)).toFixed(3)}[x${k}]`,
      );
      last = `x${k}`;
    }
    // lyric captions, timed to the song
    const captions = this.opts.captions === false ? [] : req.captions.filter((c) => c.startSec < D);
    const drawn: string[] = [];
    for (let i = 0; i < captions.length; i++) {
      const c = captions[i];
      const file = await text(`cap${i}`, c.text);
      drawn.push(
        `drawtext=${font}:textfile='${file}':fontsize=66:fontcolor=white:borderw=5:bordercolor=black@0.7:` +
          `x=(w-text_w)/2:y=h*0.74:enable='between(t,${c.startSec.toFixed(2)},${Math.min(c.endSec, D).toFixed(2)})'`,
      );
    }
    filters.push(`[${last}]${drawn.length ? drawn.join(',') + ',' : ''}format=yuv420p[vout]`);
    const audioIndex = S + 1;
    args.push('-i', mediaPath(req.audio));
    filters.push(
      `[${audioIndex}:a]atrim=0:${D.toFixed(3)},asetpts=N/SR/TB,afade=t=out:st=${Math.max(0, D - 1.5).toFixed(3)}:d=1.5,aresample=48000[aout]`,
    );
    const out = join(dir, 'video.mp4');
    args.push(
      '-filter_complex',
      filters.join(';'),
      '-map',
      '[vout]',
      '-map',
      '[aout]',
      '-c:v',
      'libx264',
      '-preset',
      this.opts.preset ?? 'veryfast',
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
      D.toFixed(3),
      '-movflags',
      '+faststart',
      `${out}.tmp.mp4`,
    );
    await runFfmpeg(args, { timeoutMs: this.timeoutMs, signal });
    await rename(`${out}.tmp.mp4`, out);
    await runFfmpeg(
      [
        '-y',
        '-hide_banner',
        '-loglevel',
        'error',
        '-ss',
        Math.min(1.5, D / 2).toFixed(2),
        '-i',
        out,
        '-frames:v',
        '1',
        '-q:v',
        '3',
        join(dir, 'thumb.jpg'),
      ],
      { timeoutMs: 30_000, signal },
    );
    await writeFile(join(dir, 'meta.json'), JSON.stringify({ durationSec: D }));
  }
}

function mediaPath(m: MediaSource): string {
  return m.kind === 'file' ? m.path : m.url;
}
