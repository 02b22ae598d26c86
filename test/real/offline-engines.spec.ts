import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  FfmpegVideoRenderer,
  runFfmpeg,
  SynthSongEngine,
  TemplateLyricsEngine,
  VideoRequest,
} from '@app/integrations';
import { describeWithServers } from '../harness/binaries';
import { removeDir, tempDir } from '../harness/process';

jest.setTimeout(300_000);

const probe = (file: string) =>
  JSON.parse(
    execFileSync('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file], {
      encoding: 'utf8',
    }),
  ) as {
    streams: {
      codec_type: string;
      codec_name: string;
      width?: number;
      height?: number;
      r_frame_rate?: string;
    }[];
    format: { duration: string };
  };

/** One frame as raw grey pixels, to compare renders. */
const frameAt = (file: string, sec: number) =>
  execFileSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-ss',
      String(sec),
      '-i',
      file,
      '-frames:v',
      '1',
      '-vf',
      'scale=270:480,format=gray',
      '-f',
      'rawvideo',
      '-',
    ],
    { maxBuffer: 1 << 24 },
  );

describeWithServers(
  ['ffmpeg', 'ffprobe'],
  'the offline chain: template lyrics -> synthesized jingle -> FFmpeg video',
  () => {
    const dir = tempDir('offline');
    afterAll(() => removeDir(dir));
    const store = {
      name: '해운대 할매국밥',
      category: '한식>국밥',
      roadAddress: '부산광역시 해운대구 우동 123',
      phone: '051-123-4567',
      menu: [{ name: '돼지국밥' }, { name: '수육' }],
    };
    let request: VideoRequest;
    let songSec: number;

    beforeAll(async () => {
      const { lyrics } = await new TemplateLyricsEngine().write(
        { store, mood: 'bright', genre: 'pop', keywords: ['50년 전통'], lengthSec: 30 },
        'p1:write_lyrics:1',
      );
      const song = new SynthSongEngine(join(dir, 'work'));
      const { taskId } = await song.submit(
        { title: lyrics.title, lyrics, mood: 'bright', genre: 'pop', lengthSec: 30 },
        'p1:submit_song:1',
      );
      const polled = await song.poll(taskId);
      if (polled.status !== 'done') throw new Error('synth did not finish');
      const clip = polled.clips[0];
      songSec = clip.durationSec;
      const lines = lyrics.sections.flatMap((s) => s.lines);
      request = {
        audio: clip.audio,
        durationSec: clip.durationSec,
        photos: [],
        captions: lines.map((text, i) => ({
          text,
          startSec: clip.lineTimings![i],
          endSec: clip.lineTimings![i + 1] ?? clip.durationSec - 1,
        })),
        endCard: { name: store.name, address: store.roadAddress, phone: store.phone },
      };
    });

    it('writes Korean lyrics from the store data, varied by mood', async () => {
      const engine = new TemplateLyricsEngine();
      const bright = await engine.write(
        { store, mood: 'bright', genre: 'pop', keywords: [], lengthSec: 30 },
        'k',
      );
      const calm = await engine.write(
        { store, mood: 'calm', genre: 'pop', keywords: [], lengthSec: 30 },
        'k',
      );
      const text = bright.lyrics.sections.flatMap((s) => s.lines).join('\n');
      expect(text).toContain('해운대 할매국밥');
      // the place as people say it, not the address
      expect(text).not.toMatch(/우동|해운대구|광역시|\d/);
      expect(text).toMatch(/돼지국밥|수육/);
      expect(calm.lyrics).not.toEqual(bright.lyrics);
    });

    it('synthesizes a 30-60 s AAC jingle with a start time per lyric line', async () => {
      expect(songSec).toBeGreaterThanOrEqual(28);
      expect(songSec).toBeLessThanOrEqual(62);
      const audio = probe((request.audio as { path: string }).path);
      expect(audio.streams[0].codec_name).toBe('aac');
      expect(Math.abs(Number(audio.format.duration) - songSec)).toBeLessThan(0.5);
      const starts = request.captions.map((c) => c.startSec);
      expect([...starts].sort((a, b) => a - b)).toEqual(starts);
      expect(starts[starts.length - 1]).toBeLessThan(songSec);
    });

    it('renders a 1080x1920 H.264/AAC MP4 as long as the song, with captions, without blocking the event loop', async () => {
      const renderer = new FfmpegVideoRenderer(join(dir, 'work'), 240_000, { preset: 'ultrafast' });
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const renderStarted = Date.now();
      const { taskId } = await renderer.submit(request, 'p1:submit_video:1');
      const renderMs = Date.now() - renderStarted;
      delay.disable();
      const done = await renderer.poll(taskId);
      if (done.status !== 'done' || done.video.kind !== 'file')
        throw new Error('render did not finish');
      const info = probe(done.video.path);
      const video = info.streams.find((s) => s.codec_type === 'video')!;
      const audio = info.streams.find((s) => s.codec_type === 'audio')!;
      expect({
        codec: video.codec_name,
        width: video.width,
        height: video.height,
        fps: video.r_frame_rate,
      }).toEqual({ codec: 'h264', width: 1080, height: 1920, fps: '30/1' });
      expect(audio.codec_name).toBe('aac');
      expect(Math.abs(Number(info.format.duration) - songSec)).toBeLessThan(1);
      // the event loop kept ticking while FFmpeg worked: no stall near the render's length (a
      // synchronous run would block for all of it); not a speed target, so generous, as a busy
      // 2-core machine delays a tick by a few hundred ms now and then
      expect(delay.max / 1e6).toBeLessThan(Math.max(1000, renderMs / 3));

      // a frame where a caption shows differs from the same frame rendered without captions
      const plain = new FfmpegVideoRenderer(join(dir, 'plain'), 240_000, {
        preset: 'ultrafast',
        captions: false,
      });
      const p = await plain.poll((await plain.submit(request, 'p1:submit_video:plain')).taskId);
      if (p.status !== 'done' || p.video.kind !== 'file')
        throw new Error('plain render did not finish');
      const at = request.captions[1].startSec + 0.5;
      const a = frameAt(done.video.path, at);
      const b = frameAt(p.video.path, at);
      let differing = 0;
      for (let i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > 40) differing++;
      expect(differing).toBeGreaterThan(500);
      // and where no caption shows (the intro), they match
      const c = frameAt(done.video.path, 0.5);
      const d = frameAt(p.video.path, 0.5);
      let same = 0;
      for (let i = 0; i < c.length; i++) if (Math.abs(c[i] - d[i]) > 40) same++;
      expect(same).toBeLessThan(50);
      expect(done.thumbnail?.kind).toBe('file');
    });

    it('kills a hung FFmpeg at its timeout', async () => {
      const started = Date.now();
      await expect(
        runFfmpeg(['-hide_banner', '-f', 'lavfi', '-re', '-i', 'sine=f=440', '-f', 'null', '-'], {
          timeoutMs: 1500,
        }),
      ).rejects.toThrow(/killed after 1500 ms/);
      expect(Date.now() - started).toBeLessThan(5000);
    });
  },
);
