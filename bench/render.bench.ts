/*
 * bench:render — FfmpegVideoRenderer on a 30 s 1080x1920 project with 6 photos (portrait and
 * landscape), for each template: render seconds / video seconds (goal <= 0.5 on 2 cores), and
 * the CPU seconds it took (ours + FFmpeg's), which say what an idle machine would do when the
 * wall clock is stretched by other work. Against a baseline measured in the same run: a plain
 * slideshow of the same photos and song (each photo cropped to the frame for an equal share of
 * the length, no motion, captions or cards), encoded with the same x264 settings, so the table
 * says what the looks cost over the least a video of these inputs can cost.
 * BENCH_RENDER_PRESETS=veryfast,ultrafast compares x264 presets (default: the renderer's own).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { FfmpegVideoRenderer, VIDEO_TEMPLATE_IDS } from '../libs/integrations/src';
import { DEFAULT_PRESET, encoding } from '../libs/integrations/src/video/ffmpeg-video-renderer';
import { removeDir, tempDir } from '../test/harness/process';
import { makePhoto, makeSong, PHOTO_SPECS, videoRequest } from '../test/harness/video-fixture';
import { report } from './common';

const LENGTH = 30;
const FPS = 30;
/** CPU seconds of this process and of the children it waited for (FFmpeg), from /proc */
function cpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // after the name: state is field 3, so utime..cstime (14..17) are at 11..14
  const ticks = [11, 12, 13, 14].reduce((s, i) => s + Number(fields[i]), 0);
  return ticks / 100;
}

/** The baseline: the same photos and song as a plain slideshow, the renderer's x264 settings. */
function slideshow(photos: string[], audio: string, out: string, preset: string): void {
  const each = LENGTH / photos.length;
  const inputs = photos.flatMap((p) => [
    '-loop',
    '1',
    '-framerate',
    String(FPS),
    '-t',
    String(each),
    '-i',
    p,
  ]);
  const cover = photos.map(
    (_, i) =>
      `[${i}:v]scale=1080:1920:force_original_aspect_ratio=increase,crop=1080:1920,setsar=1,format=yuv420p[v${i}]`,
  );
  const concat = `${photos.map((_, i) => `[v${i}]`).join('')}concat=n=${photos.length}:v=1:a=0[vout]`;
  execFileSync('ffmpeg', [
    '-y',
    '-hide_banner',
    '-loglevel',
    'error',
    ...inputs,
    '-i',
    audio,
    '-filter_complex',
    [...cover, concat].join(';'),
    '-map',
    '[vout]',
    '-map',
    `${photos.length}:a`,
    ...encoding(preset, LENGTH),
    out,
  ]);
}

/** wall and CPU seconds of one render (ours + the children waited for) */
async function timed(render: () => Promise<unknown> | void): Promise<{ sec: number; cpu: number }> {
  const cpu0 = cpuSeconds();
  const t0 = process.hrtime.bigint();
  await render();
  return { sec: Number(process.hrtime.bigint() - t0) / 1e9, cpu: cpuSeconds() - cpu0 };
}

async function main(): Promise<void> {
  const dir = tempDir('bench-render');
  try {
    const photos = await Promise.all(PHOTO_SPECS.map((_, i) => makePhoto(dir, i)));
    const clip = await makeSong(join(dir, 'work'), LENGTH);
    const request = (templateId: string) => videoRequest(clip, LENGTH, photos, templateId);
    const presets = (process.env.BENCH_RENDER_PRESETS ?? '').split(',').filter(Boolean);
    const loadBefore = loadavg()[0];
    const rows = [];
    const row = (template: string, preset: string, { sec, cpu }: { sec: number; cpu: number }) => ({
      template,
      preset,
      renderSec: Number(sec.toFixed(2)),
      videoSec: LENGTH,
      ratio: Number((sec / LENGTH).toFixed(3)),
      cpuSec: Number(cpu.toFixed(1)),
      /** the wall ratio if the CPU work spread over both cores of an idle machine */
      idleRatioEstimate: Number((cpu / Math.min(2, cpus().length) / LENGTH).toFixed(3)),
    });
    const audio = (clip.audio as { path: string }).path;
    for (const preset of presets.length ? presets : [DEFAULT_PRESET]) {
      const base = await timed(() =>
        slideshow(photos, audio, join(dir, `slideshow-${preset}.mp4`), preset),
      );
      rows.push({ ...row('slideshow (baseline)', preset, base), vsBaselineCpu: 1 });
      for (const templateId of VIDEO_TEMPLATE_IDS) {
        const r = new FfmpegVideoRenderer(join(dir, `${templateId}-${preset}`), 900_000, {
          preset,
        });
        const run = await timed(() =>
          r.submit(request(templateId), `bench-${templateId}-${preset}`),
        );
        rows.push({
          ...row(templateId, preset, run),
          vsBaselineCpu: Number((run.cpu / base.cpu).toFixed(2)),
        });
      }
    }
    const looks = rows.filter((r) => r.template !== 'slideshow (baseline)');
    const baseline = rows.find((r) => r.template === 'slideshow (baseline)')!;
    // other work on the machine is what the load before says: the renders themselves load
    // both cores, so the average after them always looks busy
    const load = loadBefore;
    const loadAfter = loadavg()[0];
    const busy = load > cpus().length * 0.75;
    report('render', rows, {
      goal: 'render seconds / video seconds <= 0.5 for a 30 s 1080x1920 video, every template',
      met: looks.every((r) => r.ratio <= 0.5),
      headline:
        `30 s 1080x1920 video, 6 photos, per look (${looks.map((r) => r.template).join(' / ')}): ` +
        `wall clock ${looks.map((r) => r.ratio).join(' / ')} x real time, ` +
        `CPU ${looks.map((r) => r.cpuSec).join(' / ')} s (ours + FFmpeg) = ` +
        `${looks.map((r) => r.vsBaselineCpu).join(' / ')} x the plain slideshow's ` +
        `(${baseline.ratio} x real time, ${baseline.cpuSec} s CPU)` +
        (busy ? `, measured under load (load average ${load.toFixed(1)})` : ''),
      richest: looks.reduce((a, b) => (b.cpuSec > a.cpuSec ? b : a)).template,
      loadAverage: Number(load.toFixed(2)),
      loadAverageAfter: Number(loadAfter.toFixed(2)),
      cores: cpus().length,
      conditions: busy
        ? `MEASURED UNDER LOAD: load average ${load.toFixed(1)} on ${cpus().length} cores (other work shares the CPU); the wall-clock ratio is inflated, idleRatioEstimate (CPU seconds / cores / video seconds) is the better guide`
        : 'measured on a quiet machine',
    });
  } finally {
    removeDir(dir);
  }
}

void main();
