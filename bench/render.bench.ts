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
import sharp from 'sharp';
import {
  FfmpegVideoRenderer,
  SynthSongEngine,
  VIDEO_TEMPLATE_IDS,
  VideoRequest,
} from '../libs/integrations/src';
import { removeDir, tempDir } from '../test/harness/process';
import { report } from './common';

const LENGTH = 30;
const LYRICS = {
  title: '할매국밥',
  sections: [
    {
      name: 'verse',
      lines: [
        '부산 하고도 해운대',
        '오십 년 끓인 진한 국물',
        '돼지국밥 한 그릇에',
        '하루의 피로가 녹아요',
      ],
    },
    { name: 'chorus', lines: ['해운대 할매국밥', '오늘도 따끈하게', '해운대 할매국밥 랄랄라'] },
    { name: 'outro', lines: ['다음에 또 만나요'] },
  ],
};

/** CPU seconds of this process and of the children it waited for (FFmpeg), from /proc */
function cpuSeconds(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // after the name: state is field 3, so utime..cstime (14..17) are at 11..14
  const ticks = [11, 12, 13, 14].reduce((s, i) => s + Number(fields[i]), 0);
  return ticks / 100;
}

async function photo(dir: string, i: number, w: number, h: number): Promise<string> {
  const file = join(dir, `photo-${i}.jpg`);
  const hue = (i * 60) % 360;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">` +
    `<stop offset="0" stop-color="hsl(${hue},70%,45%)"/><stop offset="1" stop-color="hsl(${hue + 40},70%,60%)"/></linearGradient></defs>` +
    `<rect width="100%" height="100%" fill="url(#g)"/>` +
    Array.from(
      { length: 40 },
      (_, k) =>
        `<circle cx="${(k * 97) % w}" cy="${(k * 181) % h}" r="${20 + (k % 7) * 9}" fill="#fff" fill-opacity="0.25"/>`,
    ).join('') +
    `</svg>`;
  await sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toFile(file);
  return file;
}

async function main(): Promise<void> {
  const dir = tempDir('bench-render');
  try {
    const sizes = [
      [1080, 1920],
      [1920, 1080],
      [1200, 1600],
      [1600, 1200],
      [900, 1600],
      [1600, 900],
    ];
    const photos = await Promise.all(sizes.map(([w, h], i) => photo(dir, i, w, h)));
    const song = new SynthSongEngine(join(dir, 'work'));
    const polled = await song.poll(
      (
        await song.submit(
          { title: LYRICS.title, lyrics: LYRICS, mood: 'bright', genre: 'pop', lengthSec: LENGTH },
          'bench-song',
        )
      ).taskId,
    );
    if (polled.status !== 'done') throw new Error('no song');
    const clip = polled.clips[0];
    const lines = LYRICS.sections.flatMap((s) => s.lines);
    const request = (templateId: string): VideoRequest => ({
      audio: clip.audio,
      durationSec: LENGTH,
      beats: clip.beats,
      photos: photos.map((path) => ({ kind: 'file', path, contentType: 'image/jpeg' })),
      captions: lines.map((text, i) => ({
        text,
        startSec: clip.lineTimings![i],
        endSec: clip.lineTimings![i + 1] ?? LENGTH,
      })),
      endCard: {
        name: '해운대 할매국밥',
        address: '부산광역시 해운대구 해운대로 123번길 45',
        phone: '051-123-4567',
        menu: ['돼지국밥', '수육 백반', '순대국'],
        category: '한식>국밥',
      },
      templateId,
    });
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
