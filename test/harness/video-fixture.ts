/*
 * One made-up store for the renderer: its jingle's lyrics, its end card, six photos (portrait
 * and landscape, a distinct pair of hues each, stripes for texture) and a synth song of any
 * length. test/real/video-render.spec.ts checks what the renderer makes of it; bench:render times it.
 */
import { join } from 'node:path';
import sharp from 'sharp';
import { MediaSource, SongClip, SynthSongEngine, VideoRequest } from '../../libs/integrations/src';

export const JINGLE_LYRICS = {
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

export const END_CARD = {
  name: '해운대 할매국밥',
  address: '부산광역시 해운대구 해운대로 123번길 45',
  phone: '051-123-4567',
  menu: [
    { name: '돼지국밥', price: '9,000원' },
    { name: '수육 백반', price: '12000원' },
    { name: '순대국', price: '8000' },
    { name: '공기밥' },
  ],
  category: '한식>국밥',
};

/** the words on photo 1's sign */
export const SEA_SIGN = '해운대 바다 앞';

export const PHOTO_SPECS: { w: number; h: number; a: string; b: string; sign?: string }[] = [
  { w: 900, h: 1600, a: '#d0402b', b: '#f0a030' },
  // a sea-front photo with its sign across 80% of its width: a pan must not cut into it
  { w: 1600, h: 1000, a: '#2e9e4f', b: '#b8d84a', sign: SEA_SIGN },
  { w: 1080, h: 1440, a: '#8a3fb0', b: '#e070b0' },
  { w: 1440, h: 1080, a: '#1f8f8f', b: '#7fd0c0' },
  { w: 1200, h: 1600, a: '#b05a1a', b: '#d8c040' },
  { w: 1920, h: 1080, a: '#c03070', b: '#5a9a30' },
];

/** photo `i` of PHOTO_SPECS as a JPEG in `dir` */
export async function makePhoto(dir: string, i: number): Promise<string> {
  const { w, h, a, b, sign } = PHOTO_SPECS[i];
  const stripes = Array.from(
    { length: 9 },
    (_, k) =>
      `<rect x="${Math.round(((k + 0.5) * w) / 9)}" y="0" width="${Math.round(w / 60)}" height="${h}" fill="#000" fill-opacity="0.35" transform="rotate(12 ${w / 2} ${h / 2})"/>`,
  ).join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">` +
    `<stop offset="0" stop-color="${a}"/><stop offset="1" stop-color="${b}"/></linearGradient></defs>` +
    `<rect width="100%" height="100%" fill="url(#g)"/>${stripes}${sign ? signSvg(sign, w, h) : ''}</svg>`;
  const file = join(dir, `photo-${i}.jpg`);
  await sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toFile(file);
  return file;
}

/** a white sign with dark words, 80% of the photo's width, a quarter of the way down */
function signSvg(words: string, w: number, h: number): string {
  const size = Math.round((w * 0.8) / [...words].length / 1.02);
  return (
    `<rect x="${w * 0.08}" y="${h / 4 - size * 0.85}" width="${w * 0.84}" height="${size * 1.5}" fill="#fffdf5"/>` +
    `<text x="${w / 2}" y="${h / 4 + size * 0.3}" font-family="Noto Sans CJK KR" font-weight="bold" ` +
    `font-size="${size}" fill="#1a1a1a" text-anchor="middle" textLength="${w * 0.8}">${words}</text>`
  );
}

/** the synth engine's jingle of JINGLE_LYRICS, `lengthSec` long, with its beats and line timings */
export async function makeSong(workDir: string, lengthSec: number): Promise<SongClip> {
  const engine = new SynthSongEngine(workDir);
  const { taskId } = await engine.submit(
    {
      title: JINGLE_LYRICS.title,
      lyrics: JINGLE_LYRICS,
      mood: 'bright',
      genre: 'pop',
      lengthSec,
    },
    `song-${lengthSec}`,
  );
  const polled = await engine.poll(taskId);
  if (polled.status !== 'done') throw new Error('the synth engine made no song');
  return polled.clips[0];
}

/** what the pipeline asks the renderer for: the song, these photos, a caption per lyric line */
export function videoRequest(
  clip: SongClip,
  lengthSec: number,
  photos: string[],
  templateId: string,
): VideoRequest {
  const lines = JINGLE_LYRICS.sections.flatMap((s) => s.lines);
  return {
    audio: clip.audio,
    durationSec: lengthSec,
    beats: clip.beats,
    photos: photos.map((path): MediaSource => ({ kind: 'file', path, contentType: 'image/jpeg' })),
    captions: lines.map((text, i) => ({
      text,
      startSec: clip.lineTimings![i],
      endSec: clip.lineTimings![i + 1] ?? lengthSec,
    })),
    endCard: END_CARD,
    templateId,
  };
}
