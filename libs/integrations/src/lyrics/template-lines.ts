import { Dialect, Mood } from './lyric-hints';

/**
 * The offline engine's line bank: each line a template whose {slots} are filled from the
 * store (name, place, menu, kind, keywords) and the mood. A template is only used when every
 * slot it names has a value, so a store without a menu or an address still gets whole lines.
 */
export type StoreKind = 'food' | 'cafe' | 'beauty' | 'other';

export const MOOD_WORDS: Record<Mood, { feel: string[]; call: string[]; end: string[] }> = {
  bright: {
    feel: ['햇살처럼 환한', '웃음이 피어나는', '기분 좋은', '반짝반짝 빛나는', '설렘 가득한'],
    call: [
      '오늘도 여기로 와요',
      '우리 같이 가볼까요',
      '문을 열면 행복해',
      '웃으면서 들어와요',
      '{dish} 생각나면 여기예요',
    ],
    end: ['언제나 반가워요', '또 만나요 우리', '내일도 웃으며 봐요'],
  },
  calm: {
    feel: [
      '포근하고 따뜻한',
      '천천히 머무는',
      '잔잔한 오후의',
      '편안한 쉼표 같은',
      '조용히 빛나는',
    ],
    call: [
      '잠시 쉬어 가세요',
      '마음이 쉬는 곳',
      '느긋하게 들러요',
      '천천히 오세요',
      '쉬어 가도 괜찮아요',
    ],
    end: ['늘 그 자리에 있어요', '편히 오세요', '쉬고 싶을 때 오세요'],
  },
  energetic: {
    feel: ['힘이 넘치는', '신나게 달려가는', '두근두근 설레는', '에너지 가득한', '뜨겁게 타오르는'],
    call: [
      '지금 바로 달려와',
      '신나게 즐겨봐',
      '모두 함께 가자',
      '소리 질러 예예',
      '망설이지 말고 와',
    ],
    end: ['오늘도 최고야', '렛츠 고 함께 가요', '다음에도 달려와'],
  },
  emotional: {
    feel: ['추억이 깃든', '마음을 채우는', '그리운 맛의', '정이 넘치는', '오래 기억될'],
    call: [
      '그때 그 맛 그대로',
      '당신을 기다려요',
      '마음까지 따뜻해',
      '생각나면 들러요',
      '그리움이 머무는 곳',
    ],
    end: ['오래오래 함께해요', '고마운 당신에게', '다시 만날 그날까지'],
  },
};

/** Lines in a region's speech, used instead of the standard call and ending lines. */
export const DIALECT_WORDS: Record<Dialect, { call: string[]; end: string[] }> = {
  gyeongsang: {
    call: [
      '퍼뜩 온나 {name}',
      '억수로 맛있데이',
      '와 이리 좋노',
      '니 아직 안 가봤나',
      '한 번 와 보이소',
      '여가 바로 거기 아이가',
      '{dish} 억수로 맛있데이',
      '한 숟갈 무 보이소 맛있데이',
      '어서 오이소예',
      '{near} 하면 여기 아이가',
    ],
    end: ['또 온나 알겠제', '우리 {name} 아이가', '단디 기억하래이', '또 오이소예'],
  },
  jeolla: {
    call: [
      '겁나게 좋당께',
      '허벌나게 맛있어부러',
      '어서 와 보랑께',
      '한 번 와 봐잉',
      '참말로 좋아부러',
      '여그가 거그여',
    ],
    end: ['또 와잉', '{name} 잊지 말랑께', '기다리고 있을랑께'],
  },
  jeju: {
    call: [
      '혼저 옵서예',
      '하영 좋수다',
      '놀멍 쉬멍 들렁 갑서',
      '{name} 어떵 허우꽈',
      '잘 왔수다 잘 왔수다',
    ],
    end: ['또 옵서예', '고맙수다', '혼저 옵서예 {name}'],
  },
  chungcheong: {
    call: ['천천히 와유', '증말 좋아유', '한 번 와 봐유', '여기가 거기여유', '걱정 말고 와유'],
    end: ['또 와유', '기다릴게유', '{name} 잊지 마유'],
  },
};

/** What one does at a kind of store: taste a dish, drink a cup, get a cut. */
export const KIND_WORDS: Record<StoreKind, { taste: string; go: string; fallback: string }> = {
  food: { taste: '맛', go: '먹으러 가요', fallback: '한 상' },
  cafe: { taste: '향', go: '마시러 가요', fallback: '한 잔' },
  beauty: { taste: '손길', go: '받으러 가요', fallback: '변신' },
  other: { taste: '정성', go: '만나러 가요', fallback: '정성' },
};

export const OPENING = [
  '{near} {by} {feel} 곳',
  '{near} {by}에 있어요',
  '{near} 골목 {feel} 곳',
  '{near}에 오면 생각나는 곳',
  '{near} 거리 걷다 보면',
  '{wide} 하고도 {near}',
  '{near} 사람들 다 아는 곳',
  '{near} 한가운데 {feel} 그곳',
  '오늘은 {near}에서 만나',
  '{feel} 우리 동네 그곳',
  '골목 끝 {feel} 곳',
];

export const NAME_LINES = [
  '{name}, 그 이름을 불러봐요',
  '간판 위에 빛나는 {name}',
  '여기는 바로 {name}',
  '{name} 문이 열리면',
  '모두가 찾는 {name}',
  '{name} 들어봤나요',
];

export const MENU_LINES: Record<StoreKind, string[]> = {
  food: [
    '{dish} 한 입 {dish2} 한 입',
    '{dish} 한 그릇에 웃음 가득',
    '오늘은 {dish} {go}',
    '{dish} 생각에 발길이 가요',
    '{dish}에 {dish2}까지',
    '{dish} 맛 한번 보면 알아요',
    '자꾸만 생각나는 {dish}',
    '{dish2} 곁들인 {dish}',
  ],
  cafe: [
    '{dish} 한 잔에 쉬어 가요',
    '향긋한 {dish} 한 잔',
    '{dish}에 {dish2} 곁들여',
    '오늘은 {dish} {go}',
    '자꾸만 생각나는 {dish}',
    '{dish} 한 모금 {dish2} 한 입',
  ],
  beauty: [
    '{dish} 하러 가는 날',
    '{dish}로 새로워지는 나',
    '{dish}도 {dish2}도 맡겨 줘요',
    '오늘은 {dish} {go}',
  ],
  other: [
    '{dish} 하면 바로 여기',
    '{dish}도 {dish2}도 한 번에',
    '오늘은 {dish} {go}',
    '자꾸만 생각나는 {dish}',
  ],
};

export const KEYWORD_LINES = [
  '{kw}, 그게 바로 우리 이야기',
  '{kw} 하면 {name}',
  '{kw} 그 말이 딱 맞아요',
  '소문난 {kw} 여기 있어요',
  '{kw} 가득 담았어요',
];

export const FILLER_LINES = [
  '하루의 피로가 사르르 녹아요',
  '오늘 하루도 수고했어요',
  '좋은 사람과 함께 와요',
  '문을 열면 웃음이 반겨요',
  '매일 새로 준비하는 마음',
  '한 번 오면 단골 돼요',
];

export const CHORUS_HOOK = [
  '{name}! {name}!',
  '{name} {name} 또 생각나',
  '가자 가자 {name}',
  '{name} 오예',
  '여기 여기 {name}',
];

export const CHORUS_TASTE = [
  '{taste}도 마음도 가득 담아',
  '{dish} 하면 바로 여기',
  '{near} 대표 {kind}',
  '정성 가득 {kind}',
  '{taste} 좋고 정도 좋고',
];

export const CHORUS_CLOSE = [
  '{name}에서 만나요',
  '우리 동네 {name}',
  '오늘도 {name}',
  '{near}엔 {name}',
  '기억해요 {name}',
];

export const OUTRO_NAME = ['{name}', '{near}의 {name}', '다음에 또 {name}'];
