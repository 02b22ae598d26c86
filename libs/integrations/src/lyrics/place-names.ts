/**
 * Place names as people say them, from a store's address: nobody sings "서울특별시 마포구
 * 와우산로 94", they say "홍대" or "마포". `near` is the neighbourhood a local would name,
 * `wide` the district or city around it (either may be missing; they never repeat each other).
 */
export interface PlaceNames {
  near?: string;
  wide?: string;
  /** what the neighbourhood is known to be beside, as people say it ("바다 앞" at a beach) */
  by?: string;
}

/** Neighbourhoods (as people say them) known for what lies beside them. */
const BESIDE: Record<string, string> = {
  해운대: '바다 앞',
  광안리: '바다 앞',
  송정: '바다 앞',
  경포: '바다 앞',
  협재: '바다 앞',
  한옥마을: '골목 안',
  여의도: '한강 옆',
  망원: '한강 옆',
};

/** Provinces and metropolitan cities, by what they are called in speech. */
const REGIONS: [RegExp, string][] = [
  [/^서울/, '서울'],
  [/^부산/, '부산'],
  [/^대구/, '대구'],
  [/^인천/, '인천'],
  [/^광주/, '광주'],
  [/^대전/, '대전'],
  [/^울산/, '울산'],
  [/^세종/, '세종'],
  [/^제주/, '제주'],
];

/**
 * Neighbourhoods known by another name than their 동 (a station, a beach, a street). Keyed by
 * 동 name; `in` narrows it to one district where the same 동 name exists elsewhere.
 */
const LANDMARKS: { dong: string; in?: string; say: string }[] = [
  { dong: '서교동', say: '홍대' },
  { dong: '동교동', say: '홍대' },
  { dong: '상수동', say: '상수' },
  { dong: '연남동', say: '연남동' },
  { dong: '합정동', say: '합정' },
  { dong: '망원동', say: '망원' },
  { dong: '창천동', say: '신촌' },
  { dong: '신촌동', say: '신촌' },
  { dong: '대현동', say: '이대' },
  { dong: '역삼동', say: '강남역' },
  { dong: '신사동', in: '강남구', say: '가로수길' },
  { dong: '압구정동', say: '압구정' },
  { dong: '청담동', say: '청담' },
  { dong: '이태원동', say: '이태원' },
  { dong: '한남동', say: '한남동' },
  { dong: '성수동1가', say: '성수' },
  { dong: '성수동2가', say: '성수' },
  { dong: '익선동', say: '익선동' },
  { dong: '인사동', say: '인사동' },
  { dong: '명동', in: '중구', say: '명동' },
  { dong: '잠실동', say: '잠실' },
  { dong: '여의도동', say: '여의도' },
  { dong: '우동', in: '해운대구', say: '해운대' },
  { dong: '중동', in: '해운대구', say: '해운대' },
  { dong: '좌동', in: '해운대구', say: '해운대' },
  { dong: '부전동', in: '부산진구', say: '서면' },
  { dong: '전포동', say: '전포' },
  { dong: '광안동', say: '광안리' },
  { dong: '민락동', say: '광안리' },
  { dong: '남포동', say: '남포동' },
  { dong: '삼덕동', in: '중구', say: '동성로' },
  { dong: '교동', in: '완산구', say: '한옥마을' },
  { dong: '풍남동', say: '한옥마을' },
];

/** 동 names that say nothing alone (or mean something else: 우동 is also noodles). */
const VAGUE_DONG = /^(중앙|중|우|좌|남|북|동|서|신|본|내|외|상|하)$/;
/** 구 names shared by many cities: "중구" alone says nothing. */
const VAGUE_GU = /^(중|동|서|남|북)$/;

export function placeNamesOf(...addresses: (string | null | undefined)[]): PlaceNames {
  const tokens = addresses
    .filter((a): a is string => !!a)
    .flatMap((a) => a.replace(/[(),]/g, ' ').split(/\s+/))
    .filter(Boolean);
  const gu = tokens.find((t) => /^[가-힣]{2,5}구$/.test(t));
  const si = tokens.find((t) => /^[가-힣]{2,4}시$/.test(t) && !/특별시|광역시|자치시/.test(t));
  const region = REGIONS.find(([re]) => re.test(tokens[0] ?? ''))?.[1];
  // 동 and 가 (성수동2가), 읍 and 면; road names (…로, …길) are not places people name
  const dongs = tokens.filter((t) => /^[가-힣]{1,6}(\d*동(\d*가)?|\d*가|[읍면])$/.test(t));

  let near = dongs
    .map((d) => LANDMARKS.find((l) => l.dong === d && (!l.in || l.in === gu))?.say)
    .find(Boolean);
  if (!near)
    near = dongs
      .map((d) => d.replace(/\d*동(\d*가)?$|\d*가$|[읍면]$/, ''))
      .find((stem) => stem.length >= 2 && !VAGUE_DONG.test(stem));
  const guStem = gu?.slice(0, -1);
  const siStem = si?.slice(0, -1);
  const district = guStem && !VAGUE_GU.test(guStem) && guStem.length >= 2 ? guStem : undefined;
  // a city of a province (전주, 수원) is what people say; in a metropolitan city, its district
  const wideCandidates = [siStem, district, region].filter((x): x is string => !!x);
  near ??= wideCandidates[0];
  return {
    near,
    wide: wideCandidates.find((w) => w !== near && !near?.startsWith(w)),
    ...(near && BESIDE[near] ? { by: BESIDE[near] } : {}),
  };
}
