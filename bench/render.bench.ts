/*
 * bench:render — FfmpegVideoRenderer on a 30 s 1080x1920 project with 6 photos (portrait and
 * landscape), for each template: render seconds / video seconds (goal <= 0.5 on 2 cores), and
 * the CPU seconds it took (ours + FFmpeg's), which say what an idle machine would do when the
 * wall clock is stretched by other work. BENCH_RENDER_PRESETS=veryfast,ultrafast compares x264
 * presets (default: the renderer's own).
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { FfmpegVideoRenderer, VIDEO_TEMPLATE_IDS } from '../libs/integrations/src';
import { removeDir, tempDir } from '../test/harness/process';
import { makePhoto, makeSong, PHOTO_SPECS, videoRequest } from '../test/harness/video-fixture';
import { report } from './common';

const LENGTH = 30;
/** CPU seconds of this process and of the children it waited for (FFmpeg), from /proc */
function cpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // after the name: state is field 3, so utime..cstime (14..17) are at 11..14
  const ticks = [11, 12, 13, 14].reduce((s, i) => s + Number(fields[i]), 0);
  return ticks / 100;
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
    for (const templateId of VIDEO_TEMPLATE_IDS)
      for (const preset of presets.length ? presets : [undefined]) {
        const r = new FfmpegVideoRenderer(join(dir, `${templateId}-${preset}`), 900_000, {
          preset,
        });
        const cpu0 = cpuSeconds();
        const t0 = process.hrtime.bigint();
        await r.submit(request(templateId), `bench-${templateId}-${preset}`);
        const sec = Number(process.hrtime.bigint() - t0) / 1e9;
        const cpu = cpuSeconds() - cpu0;
        rows.push({
          template: templateId,
          preset: preset ?? 'default',
          renderSec: Number(sec.toFixed(2)),
          videoSec: LENGTH,
          ratio: Number((sec / LENGTH).toFixed(3)),
          cpuSec: Number(cpu.toFixed(1)),
          /** the wall ratio if the CPU work spread over both cores of an idle machine */
          idleRatioEstimate: Number((cpu / Math.min(2, cpus().length) / LENGTH).toFixed(3)),
        });
      }
    const load = Math.max(loadBefore, loadavg()[0]);
    const busy = load > cpus().length * 0.75;
    report('render', rows, {
      goal: 'render seconds / video seconds <= 0.5 for a 30 s 1080x1920 video, every template',
      met: rows.every((r) => r.ratio <= 0.5),
      headline:
        `30 s 1080x1920 video, 6 photos, per look (${rows.map((r) => r.template).join(' / ')}): ` +
        `wall clock ${rows.map((r) => r.ratio).join(' / ')} x real time, ` +
        `CPU ${rows.map((r) => r.cpuSec).join(' / ')} s (ours + FFmpeg)` +
        (busy ? `, measured under load (load average ${load.toFixed(1)})` : ''),
      richest: rows.reduce((a, b) => (b.cpuSec > a.cpuSec ? b : a)).template,
      loadAverage: Number(load.toFixed(2)),
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
