/**
 * What an owner's regeneration hint asks of the offline lyrics engine, read from free Korean
 * text: a mood ("더 신나게"), a dialect ("경상도 사투리로"), words to put in ("'가성비' 넣어줘").
 */
export type Mood = 'bright' | 'calm' | 'energetic' | 'emotional';
export type Dialect = 'gyeongsang' | 'jeolla' | 'jeju' | 'chungcheong';

export interface LyricHints {
  mood?: Mood;
  dialect?: Dialect;
  /** a dialect asked for without saying which ("사투리로"): the store's own region's */
  anyDialect?: boolean;
  keywords: string[];
}

const MOODS: [RegExp, Mood][] = [
  [/calm|잔잔|차분|편안|조용|느긋|힐링/i, 'calm'],
  [/energ|신나|경쾌|활기|힘차|흥겹|신명|빠르게/i, 'energetic'],
  [/emo|감성|추억|따뜻|뭉클|그리운|서정/i, 'emotional'],
  [/bright|밝|명랑|상큼|발랄|유쾌/i, 'bright'],
];

const DIALECTS: [RegExp, Dialect][] = [
  [/경상|갱상|부산\s*사투리|대구\s*사투리|경남|경북/, 'gyeongsang'],
  [/전라|광주\s*사투리|전주\s*사투리|전남|전북/, 'jeolla'],
  [/제주/, 'jeju'],
  [/충청|충남|충북/, 'chungcheong'],
];

/** What people speak where the store is, from its address; Gyeongsang's when it says nothing. */
export function dialectOfPlace(...addresses: (string | null | undefined)[]): Dialect {
  const text = addresses.filter(Boolean).join(' ');
  if (/^\s*(전라|전북|전남|광주)/.test(text)) return 'jeolla';
  if (/^\s*제주/.test(text)) return 'jeju';
  if (/^\s*(충청|충북|충남|대전|세종)/.test(text)) return 'chungcheong';
  return 'gyeongsang';
}

/** The mood a project asked for (its option) or a hint asks for; bright when nothing says. */
export function moodOf(text: string): Mood | undefined {
  return MOODS.find(([re]) => re.test(text))?.[1];
}

export function readHints(hints: string | undefined): LyricHints {
  const text = hints?.trim() ?? '';
  if (!text) return { keywords: [] };
  const keywords = new Set<string>();
  // quoted words, hashtags, and "X 넣어 / 강조" are words the owner wants sung
  for (const m of text.matchAll(/['"‘’“”「『]([^'"‘’“”」』]{1,16})['"‘’“”」』]/g))
    keywords.add(m[1].trim());
  for (const m of text.matchAll(/#([가-힣A-Za-z0-9]{1,16})/g)) keywords.add(m[1]);
  for (const m of text.matchAll(
    /([가-힣A-Za-z0-9]{2,12}?)(?:을|를|도|이|가)?\s*(?:꼭\s*)?(?:넣어|강조|언급)/g,
  ))
    if (!/[^가-힣A-Za-z0-9]/.test(m[1]) && !DIALECTS.some(([re]) => re.test(m[1])))
      keywords.add(m[1]);
  return {
    mood: moodOf(text),
    dialect: DIALECTS.find(([re]) => re.test(text))?.[1],
    ...(/사투리|방언|지역\s*말/.test(text) && !DIALECTS.some(([re]) => re.test(text))
      ? { anyDialect: true }
      : {}),
    keywords: [...keywords].filter((k) => k.length > 0),
  };
}
