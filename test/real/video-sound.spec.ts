import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { FfmpegVideoRenderer, LOUDNESS, SongClip, VIDEO_TEMPLATE_IDS } from '@app/integrations';
import { describeWithServers } from '../harness/binaries';
import { removeDir, tempDir } from '../harness/process';
import { makePhoto, makeSong, videoRequest } from '../harness/video-fixture';

/*
 * The sound of the video an owner posts, from the MP4 itself: every look at 15, 30 and 60 s
 * plays at the platforms' loudness (-14 LUFS integrated, within 1 LU) with true peaks at most
 * -1 dBTP, measured by FFmpeg's EBU R128 meter. The song is the offline synth's (the quietest
 * source we have: -21.6 LUFS as composed). Renders are small (360x640): the sound is the same.
 */
jest.setTimeout(1_500_000);

const SMALL = 360;

/** FFmpeg's EBU R128 summary of a file's sound: integrated loudness (LUFS) and true peak (dBTP) */
function ebur128(file: string): { integrated: number; truePeak: number } {
  const run = spawnSync(
    'ffmpeg',
    ['-hide_banner', '-nostats', '-i', file, '-vn', '-af', 'ebur128=peak=true', '-f', 'null', '-'],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  const summary = run.stderr.slice(run.stderr.lastIndexOf('Summary:'));
  const value = (label: string) =>
    Number(new RegExp(`${label}:\\s+(-?[\\d.]+|-inf)`).exec(summary)?.[1]);
  return { integrated: value('I'), truePeak: value('Peak') };
}

describeWithServers(['ffmpeg', 'ffprobe'], 'the sound of the video an owner posts', () => {
  const dir = tempDir('video-sound');
  afterAll(() => removeDir(dir));
  const songs = new Map<number, SongClip>();
  const photos: string[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) photos.push(await makePhoto(dir, i));
    for (const lengthSec of [15, 30, 60])
      songs.set(lengthSec, await makeSong(join(dir, 'song'), lengthSec));
  });

  it('plays every look at 15, 30 and 60 s at -14 LUFS (+/- 1) with true peaks <= -1 dBTP', async () => {
    const measured: Record<string, { integrated: number; truePeak: number }> = {};
    for (const t of VIDEO_TEMPLATE_IDS)
      for (const len of [15, 30, 60]) {
        const out = join(dir, `${t}-${len}s`);
        const req = videoRequest(songs.get(len)!, len, photos, t);
        await new FfmpegVideoRenderer(dir, 600_000, { preset: 'ultrafast', width: SMALL }).render(
          req,
          out,
        );
        measured[`${t} ${len}s`] = ebur128(join(out, 'video.mp4'));
      }
    const off = Object.entries(measured).filter(
      ([, m]) =>
        !(Math.abs(m.integrated - LOUDNESS.integratedLufs) <= 1) ||
        !(m.truePeak <= LOUDNESS.truePeakDbtp),
    );
    expect(Object.fromEntries(off)).toEqual({});
  });
});
