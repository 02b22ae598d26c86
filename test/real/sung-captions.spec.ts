import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { captionsFor } from '@app/domain';
import {
  Caption,
  FfmpegVideoRenderer,
  SongClip,
  SunoSongEngine,
  SungWord,
  videoTemplate,
} from '@app/integrations';
import { FakeSuno } from '../fakes/suno.fake';
import { describeWithServers } from '../harness/binaries';
import { removeDir, tempDir } from '../harness/process';
import { JINGLE_LYRICS, makePhoto, makeSong, videoRequest } from '../harness/video-fixture';

/*
 * Captions that follow the voice. Suno's word timings come from the fake Suno, which answers
 * get-timestamped-lyrics as sunoapi.org documents it (api-shapes.md): every documented answer
 * is a row here, through our adapter and the domain's captions. Then, from rendered MP4s: a
 * word lights up within 100 ms of when it is sung, and the offline synth (an instrumental)
 * lights up nothing in any frame.
 */
jest.setTimeout(900_000);

const TIMESTAMPS = '/api/v1/generate/get-timestamped-lyrics';
const SMALL = 360;
const FPS = 30;

/**
 * The frames of `file` from `fromSec` to `toSec` inside `rect`, as RGB, each at its frame
 * number (the seek lands half a frame early, so the first kept frame is the one asked for).
 */
function framesIn(
  file: string,
  rect: { x: number; y: number; w: number; h: number },
  fromSec: number,
  toSec: number,
): Buffer[] {
  const first = Math.max(0, Math.floor(fromSec * FPS));
  const count = Math.ceil(toSec * FPS) - first + 1;
  const raw = execFileSync(
    'ffmpeg',
    [
      '-v',
      'error',
      ...(first > 0 ? ['-ss', ((first - 0.5) / FPS).toFixed(4)] : []),
      '-i',
      file,
      '-frames:v',
      String(count),
      '-vf',
      `format=rgb24,crop=${rect.w}:${rect.h}:${rect.x}:${rect.y}`,
      '-f',
      'rawvideo',
      '-',
    ],
    { maxBuffer: 1 << 30 },
  );
  const size = rect.w * rect.h * 3;
  const frames: Buffer[] = [];
  for (let k = 0; (k + 1) * size <= raw.length; k++)
    frames[first + k] = raw.subarray(k * size, (k + 1) * size);
  return frames;
}

/** how many pixels of a frame are within `tol` of a colour */
function pixelsOf(px: Buffer, hex: string, tol = 60): number {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  let n = 0;
  for (let i = 0; i < px.length; i += 3)
    if (Math.abs(px[i] - c[0]) + Math.abs(px[i + 1] - c[1]) + Math.abs(px[i + 2] - c[2]) < tol) n++;
  return n;
}

describeWithServers(['ffmpeg', 'ffprobe'], 'captions that follow the voice', () => {
  const dir = tempDir('sung-captions');
  const suno = new FakeSuno();
  let engine: SunoSongEngine;
  const photos: string[] = [];
  let synth: SongClip;

  beforeAll(async () => {
    await suno.start();
    suno.clipSeconds = 30;
    engine = new SunoSongEngine({
      baseUrl: suno.url,
      apiKey: suno.apiKey,
      model: 'V4_5',
      timeoutMs: 5000,
      dedupesByKey: false,
      creditsPerSong: suno.creditsPerSong,
    });
    for (let i = 0; i < 3; i++) photos.push(await makePhoto(dir, i));
    synth = await makeSong(join(dir, 'song'), 30);
    // Suno's clips play the jingle's audio: only their words matter here
    suno.audioBytes = readFileSync((synth.audio as { path: string }).path);
  });
  afterAll(async () => {
    await suno.stop();
    removeDir(dir);
  });

  /** a finished Suno song of the jingle's lyrics: its task and first clip */
  async function sunoSong(): Promise<{ taskId: string; clip: SongClip }> {
    const { taskId } = await engine.submit(
      {
        title: JINGLE_LYRICS.title,
        lyrics: JINGLE_LYRICS,
        mood: 'bright',
        genre: 'pop',
        lengthSec: 30,
      },
      `words-${Math.random()}`,
    );
    for (;;) {
      const polled = await engine.poll(taskId);
      if (polled.status === 'done') return { taskId, clip: polled.clips[0] };
      await new Promise((ok) => setTimeout(ok, 50));
    }
  }

  /** the clip's words through our adapter, then the captions the pipeline sends the renderer */
  async function captionsOf(
    row?: string,
  ): Promise<{ words: SungWord[] | null; captions: Caption[] }> {
    const { taskId, clip } = await sunoSong();
    expect(clip.vocals).toBe(true);
    if (row) suno.serve(row);
    const asked = suno.count('POST', TIMESTAMPS);
    const answer = await engine.sungWords(taskId, clip.providerClipId);
    // asked once, on the fake's own count, and not a paid call
    expect(suno.count('POST', TIMESTAMPS)).toBe(asked + 1);
    expect(suno.requests.filter((r) => r.path === TIMESTAMPS && r.paid)).toEqual([]);
    const words = answer.known ? answer.words : null;
    return { words, captions: captionsFor(JINGLE_LYRICS, [], 30, words) };
  }

  it('a song with its words: every line comes up as sung, each word at its sung time', async () => {
    const { words, captions } = await captionsOf();
    const lines = JINGLE_LYRICS.sections.flatMap((s) => s.lines);
    expect(words!.map((w) => w.text)).toEqual(lines.flatMap((l) => l.split(' ')));
    expect(captions.map((c) => c.text)).toEqual(lines);
    const times = captions.flatMap((c) => c.words!.map((w) => w.startSec));
    expect(times).toEqual(words!.map((w) => w.startSec));
    for (const c of captions) expect(c.startSec).toBeLessThanOrEqual(c.words![0].startSec);
  });

  it('a word Suno could not place (success: false) gets a time between its neighbours', async () => {
    const { words, captions } = await captionsOf('timestamped-word-unplaced');
    expect(words![2].placed).toBe(false);
    const times = captions.flatMap((c) => c.words!.map((w) => w.startSec));
    expect(times[2]).toBeGreaterThan(times[1]);
    expect(times[2]).toBeLessThan(times[3]);
  });

  it.each([
    ['an instrumental with no words', 'timestamped-instrumental'],
    ['code 400', 'timestamped-code-400'],
    ['code 500', 'timestamped-code-500'],
  ])('%s: captions follow the lines, nothing lights up', async (_, row) => {
    const { captions } = await captionsOf(row);
    expect(captions.length).toBe(JINGLE_LYRICS.sections.flatMap((s) => s.lines).length);
    expect(captions.filter((c) => c.words)).toEqual([]);
  });

  it('renders a highlighted word within 100 ms of when it is sung; the offline song lights up nothing', async () => {
    const tpl = videoTemplate('warm');
    expect(tpl.caption.karaoke).toBe(true);
    const { captions } = await captionsOf();
    const sungReq = { ...videoRequest(synth, 30, photos, 'warm'), captions };
    const sung = await new FfmpegVideoRenderer(dir, 600_000, { width: SMALL }).render(
      sungReq,
      join(dir, 'sung'),
    );
    // the highlight's ink in each caption's box, frame by frame: a step up when a word lights
    const lit: { wordAt: number; seenAt: number | null }[] = [];
    for (const c of sung.captions) {
      const frames = framesIn(
        join(dir, 'sung', 'video.mp4'),
        c.rect,
        c.startSec - 0.7,
        c.endSec + 0.6,
      );
      const ink = frames.map((f) => pixelsOf(f, tpl.caption.highlightColor));
      const words = captions.find((x) => x.text === c.text)!.words!;
      for (const w of words) {
        if (w.startSec <= c.startSec + 0.1 || w.startSec >= c.endSec - 0.1) continue;
        // the frame where the highlight's ink steps up, near the word's time
        const from = Math.round((w.startSec - 0.5) * FPS);
        const to = Math.round((w.startSec + 0.5) * FPS);
        let step = -1;
        for (let f = from; f < to && step < 0; f++) if (ink[f] - ink[f - 1] > 60) step = f;
        lit.push({ wordAt: w.startSec, seenAt: step < 0 ? null : step / FPS });
      }
    }
    expect(lit.length).toBeGreaterThanOrEqual(5);
    const late = lit.filter((l) => l.seenAt === null || Math.abs(l.seenAt - l.wordAt) > 0.1);
    expect(late).toEqual([]);

    // the offline synth: no voice, so no word lights up in any frame of any caption
    const offline = captionsFor(JINGLE_LYRICS, synth.lineTimings!, 30, null);
    expect(synth.vocals).toBe(false);
    const plain = await new FfmpegVideoRenderer(dir, 600_000, { width: SMALL }).render(
      { ...videoRequest(synth, 30, photos, 'warm'), captions: offline },
      join(dir, 'offline'),
    );
    expect(plain.captions.length).toBeGreaterThanOrEqual(5);
    for (const c of plain.captions) {
      const frames = framesIn(join(dir, 'offline', 'video.mp4'), c.rect, c.startSec, c.endSec);
      const during = frames.slice(Math.ceil(c.startSec * FPS), Math.floor(c.endSec * FPS));
      const most = Math.max(...during.map((f) => pixelsOf(f, tpl.caption.highlightColor)));
      expect({ caption: c.text, highlighted: most > 60 }).toEqual({
        caption: c.text,
        highlighted: false,
      });
    }
  });
});
