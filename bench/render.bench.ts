/* bench:render — FfmpegVideoRenderer on a 30 s 1080x1920 project: render seconds / video seconds. */
import { join } from 'node:path';
import {
  FfmpegVideoRenderer,
  SynthSongEngine,
  TemplateLyricsEngine,
} from '../libs/integrations/src';
import { removeDir, tempDir } from '../test/harness/process';
import { report } from './common';

async function main(): Promise<void> {
  const dir = tempDir('bench-render');
  try {
    const store = {
      name: '해운대 할매국밥',
      category: '한식>국밥',
      roadAddress: '부산광역시 해운대구 해운대로 1',
      phone: '051-123-4567',
      menu: [{ name: '돼지국밥' }],
    };
    const { lyrics } = await new TemplateLyricsEngine().write(
      { store, mood: 'bright', genre: 'pop', keywords: [], lengthSec: 30 },
      'bench',
    );
    const song = new SynthSongEngine(join(dir, 'work'));
    const polled = await song.poll(
      (
        await song.submit(
          { title: lyrics.title, lyrics, mood: 'bright', genre: 'pop', lengthSec: 30 },
          'bench-song',
        )
      ).taskId,
    );
    if (polled.status !== 'done') throw new Error('no song');
    const clip = polled.clips[0];
    const lines = lyrics.sections.flatMap((s) => s.lines);
    const req = {
      audio: clip.audio,
      durationSec: 30,
      photos: [],
      captions: lines.map((text, i) => ({
        text,
        startSec: clip.lineTimings![i],
        endSec: clip.lineTimings![i + 1] ?? 29,
      })),
      endCard: { name: store.name, address: store.roadAddress, phone: store.phone },
    };
    const rows = [];
    for (const preset of ['veryfast', 'superfast', 'ultrafast']) {
      const r = new FfmpegVideoRenderer(join(dir, preset), 600_000, { preset });
      const t0 = process.hrtime.bigint();
      await r.submit(req, `bench-${preset}`);
      const sec = Number(process.hrtime.bigint() - t0) / 1e9;
      rows.push({
        preset,
        renderSec: Number(sec.toFixed(2)),
        videoSec: 30,
        ratio: Number((sec / 30).toFixed(3)),
      });
    }
    report('render', rows, {
      goal: 'render seconds / video seconds <= 0.5',
      metWithDefaultPreset: rows[0].ratio <= 0.5,
      metWithSomePreset: rows.some((r) => r.ratio <= 0.5),
    });
  } finally {
    removeDir(dir);
  }
}

void main();
