import { createHash } from 'node:crypto';
import { LyricsDraft, LyricsEngine, LyricsRequest, Usage } from './lyrics-engine';

type Mood = 'bright' | 'calm' | 'energetic' | 'emotional';

const MOOD_WORDS: Record<Mood, { feel: string[]; call: string[]; end: string[] }> = {
  bright: {
    feel: ['햇살처럼 환한', '웃음이 피어나는', '기분 좋은', '반짝이는'],
    call: ['오늘도 여기로 와요', '우리 같이 가볼까요', '문을 열면 행복해'],
    end: ['언제나 반가워요', '또 만나요 우리'],
  },
  calm: {
    feel: ['포근하고 따뜻한', '천천히 머무는', '잔잔한 오후의', '편안한 쉼표 같은'],
    call: ['잠시 쉬어 가세요', '마음이 쉬는 곳', '느긋하게 들러요'],
    end: ['늘 그 자리에 있어요', '편히 오세요'],
  },
  energetic: {
    feel: ['힘이 넘치는', '신나게 달려가는', '두근두근 설레는', '에너지 가득한'],
    call: ['지금 바로 달려와', '신나게 즐겨봐', '모두 함께 가자'],
    end: ['오늘도 최고야', '렛츠 고 함께 가요'],
  },
  emotional: {
    feel: ['추억이 깃든', '마음을 채우는', '그리운 맛의', '정이 넘치는'],
    call: ['그때 그 맛 그대로', '당신을 기다려요', '마음까지 따뜻해'],
    end: ['오래오래 함께해요', '고마운 당신에게'],
  },
};

function moodOf(mood: string): Mood {
  const m = mood.toLowerCase();
  if (/calm|잔잔|차분|편안/.test(m)) return 'calm';
  if (/energ|신나|경쾌|활기/.test(m)) return 'energetic';
  if (/emo|감성|추억|따뜻/.test(m)) return 'emotional';
  return 'bright';
}

/** 우동 from "부산광역시 해운대구 우동 123", else the district, else nothing. */
function neighbourhood(address?: string | null): string | undefined {
  if (!address) return undefined;
  const parts = address.split(/\s+/);
  return (
    parts.find((p) => /[동읍면리]$/.test(p) && p.length <= 6) ??
    parts.find((p) => /[구군시]$/.test(p) && p.length <= 6)
  );
}

/**
 * The offline lyrics engine: real Korean jingle lyrics composed from the store's name,
 * category, neighbourhood and menu, varied by mood. Deterministic for one idempotency key.
 */
export class TemplateLyricsEngine extends LyricsEngine {
  readonly name = 'template';

  async write(
    req: LyricsRequest,
    idempotencyKey: string,
  ): Promise<{ lyrics: LyricsDraft; usage: Usage }> {
    const seed = createHash('sha256')
      .update(`${idempotencyKey}|${req.hints ?? ''}`)
      .digest();
    let i = 0;
    const pick = <T>(xs: T[]): T => xs[seed[i++ % seed.length] % xs.length];
    const words = MOOD_WORDS[moodOf(req.mood)];
    const name = req.store.name;
    const place = neighbourhood(req.store.roadAddress ?? req.store.address);
    const kind = req.store.category?.split('>').pop()?.trim();
    const dishes = (req.store.menu ?? []).map((m) => m.name).filter(Boolean);
    const dish = dishes.length ? pick(dishes) : (kind ?? '정성');
    const second = dishes.length > 1 ? dishes.find((d) => d !== dish)! : undefined;
    const keyword = req.keywords.length ? pick(req.keywords) : undefined;

    const verse = [
      place ? `${place} 골목 ${pick(words.feel)} 곳` : `${pick(words.feel)} 우리 동네 그곳`,
      `${name}, 그 이름을 불러봐요`,
      second ? `${dish} 한 입 ${second} 한 입` : `따끈한 ${dish} 한 그릇에`,
      keyword ? `${keyword}, 그게 바로 우리 이야기` : `하루의 피로가 사르르 녹아요`,
    ];
    const chorus = [
      `${name}! ${name}!`,
      pick(words.call),
      `${kind ?? '맛'}도 마음도 가득 담아`,
      `${name}에서 만나요`,
    ];
    const outro = [pick(words.end), `${name}`];
    // longer jingles get a second verse built from the store's own words
    const sections = [
      { name: 'verse', lines: verse },
      { name: 'chorus', lines: chorus },
    ];
    if (req.lengthSec >= 45) {
      const pitch = req.store.pitch?.slice(0, 24) ?? req.store.description?.slice(0, 24);
      sections.push({
        name: 'verse',
        lines: [
          pitch ?? `매일 새로 준비하는 마음`,
          req.store.hours ? `${req.store.hours.slice(0, 20)} 기다려요` : '언제든 기다려요',
          `${pick(words.feel)} 한 끼`,
          `${name}의 약속이에요`,
        ],
      });
      sections.push({ name: 'chorus', lines: chorus });
    }
    sections.push({ name: 'outro', lines: outro });
    return { lyrics: { title: `${name}의 노래`, sections }, usage: { unit: 'call', units: 0 } };
  }
}
