import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { detectBeats, SynthSongEngine } from '@app/integrations';
import { describeWithServers } from '../harness/binaries';
import { removeDir, tempDir } from '../harness/process';

jest.setTimeout(120_000);

const audioSeconds = (file: string) =>
  Number(
    execFileSync(
      'ffprobe',
      ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file],
      {
        encoding: 'utf8',
      },
    ),
  );

describeWithServers(['ffmpeg', 'ffprobe'], 'the synthesized jingle honours lengthSec', () => {
  const dir = tempDir('synth-length');
  afterAll(() => removeDir(dir));
  const lyrics = {
    title: '테스트',
    sections: [
      { name: 'verse', lines: ['첫 줄', '둘째 줄', '셋째 줄', '넷째 줄'] },
      { name: 'chorus', lines: ['후렴 하나', '후렴 둘'] },
    ],
  };

  it.each([15, 20, 30, 60])(
    '%d s asked: a clip that long, with beats and line timings',
    async (lengthSec) => {
      const song = new SynthSongEngine(join(dir, 'work'));
      const { taskId } = await song.submit(
        { title: lyrics.title, lyrics, mood: 'bright', genre: 'pop', lengthSec },
        `len-${lengthSec}`,
      );
      const polled = await song.poll(taskId);
      if (polled.status !== 'done') throw new Error('synth did not finish');
      for (const clip of polled.clips) {
        expect(clip.durationSec).toBe(lengthSec);
        expect(
          Math.abs(audioSeconds((clip.audio as { path: string }).path) - lengthSec),
        ).toBeLessThan(0.1);
        expect(clip.beats?.source).toBe('composed');
        expect(clip.beats!.times.length).toBeGreaterThan(lengthSec); // > 60 bpm
        expect(clip.lineTimings).toHaveLength(6);
        expect(clip.lineTimings![5]).toBeLessThanOrEqual(lengthSec - 3);
      }
    },
  );

  it('finds the beats of a song in its audio (as for a provider song), on the composed grid', async () => {
    const song = new SynthSongEngine(join(dir, 'work'));
    const { taskId } = await song.submit(
      { title: lyrics.title, lyrics, mood: 'calm', genre: 'pop', lengthSec: 20 },
      'detect',
    );
    const polled = await song.poll(taskId);
    if (polled.status !== 'done') throw new Error('synth did not finish');
    const clip = polled.clips[0];
    const found = await detectBeats(clip.audio, { timeoutMs: 60_000 });
    expect(found?.source).toBe('detected');
    expect(Math.abs(found!.bpm - clip.beats!.bpm) / clip.beats!.bpm).toBeLessThan(0.02);
    // every detected beat is within 50 ms of a composed one
    for (const t of found!.times.filter((x) => x < 17))
      expect(Math.min(...clip.beats!.times.map((b) => Math.abs(b - t)))).toBeLessThan(0.05);
    // a file that is not there is an error, which callers turn into "no beats"
    await expect(
      detectBeats(
        { kind: 'file', path: join(dir, 'missing.m4a'), contentType: 'audio/mp4' },
        { timeoutMs: 10_000 },
      ),
    ).rejects.toThrow();
  });
});
