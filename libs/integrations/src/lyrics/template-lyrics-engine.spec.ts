import { LyricsDraft, LyricsRequest } from './lyrics-engine';
import { placeNamesOf } from './place-names';
import { readHints } from './lyric-hints';
import { TemplateLyricsEngine } from './template-lyrics-engine';

const store = {
  name: '연남동 파스타 공방',
  category: '양식>이탈리아음식',
  address: '서울특별시 마포구 연남동 12',
  roadAddress: '서울특별시 마포구 동교로 30',
  phone: '02-123-9876',
  menu: [{ name: '봉골레' }, { name: '까르보나라' }, { name: '리조또' }, { name: '티라미수' }],
};
const base: LyricsRequest = {
  store,
  mood: 'bright',
  genre: 'pop',
  keywords: ['수제 생면'],
  lengthSec: 30,
};
const engine = new TemplateLyricsEngine();
const write = async (req: Partial<LyricsRequest>, key = 'project-a:write_lyrics:1') =>
  (await engine.write({ ...base, ...req }, key)).lyrics;
const linesOf = (d: LyricsDraft) => d.sections.flatMap((s) => s.lines);

describe('TemplateLyricsEngine', () => {
  it('gives two projects of the same store different lyrics, and one project the same each time', async () => {
    const a = await write({}, 'project-a:write_lyrics:1');
    const again = await write({}, 'project-a:write_lyrics:1');
    const b = await write({}, 'project-b:write_lyrics:1');
    expect(again).toEqual(a);
    const bLines = new Set(linesOf(b));
    const shared = linesOf(a).filter((l) => bLines.has(l));
    // not a reshuffle of the same lines: most of the text is new
    expect(shared.length).toBeLessThan(linesOf(a).length / 2);
  });

  it('varies over many projects of one store, not a handful of fixed texts', async () => {
    const texts = new Set<string>();
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const d = await write({}, `project-${i}:write_lyrics:1`);
      texts.add(linesOf(d).join('\n'));
      linesOf(d).forEach((l) => seen.add(l));
    }
    expect(texts.size).toBe(12);
    expect(seen.size).toBeGreaterThan(40);
  });

  it('changes with a regeneration hint, and takes its mood words', async () => {
    const plain = await write({});
    const calm = await write({ hints: '좀 더 잔잔하고 편안하게' });
    expect(linesOf(calm)).not.toEqual(linesOf(plain));
    expect(linesOf(calm).join('\n')).toMatch(
      /포근하고 따뜻한|천천히|잔잔한|편안한|조용히|쉬어|마음이 쉬는 곳|늘 그 자리에|편히 오세요/,
    );
  });

  it.each([
    ['경상도 사투리로 해 주세요', /데이|아이가|온나|억수로|좋노|보이소|알겠제|래이/],
    ['전라도 사투리 느낌으로', /당께|부러|랑께|봐잉|와잉|여그|거그/],
    ['제주 방언으로 바꿔줘', /옵서예|수다|놀멍|허우꽈|갑서/],
  ])('writes in a dialect when the hint asks (%s)', async (hints, words) => {
    const d = await write({ hints });
    const chorus = d.sections.find((s) => s.name === 'chorus')!.lines.join('\n');
    const outro = d.sections.find((s) => s.name === 'outro')!.lines.join('\n');
    expect(chorus).toMatch(words);
    expect(outro).toMatch(words);
    expect(linesOf(await write({})).join('\n')).not.toMatch(words);
  });

  it('sings the words a hint asks for', async () => {
    const d = await write({ hints: "'데이트 코스' 넣어줘, #가성비" }, 'project-c:write_lyrics:1');
    const text = linesOf(d).join('\n');
    expect(text).toContain('데이트 코스');
    const short = await write({ hints: '가성비를 꼭 넣어 주세요', lengthSec: 15 });
    expect(linesOf(short).join('\n')).toContain('가성비');
  });

  it('puts the menu, the name and the place as people say it, never the raw address', async () => {
    for (const key of ['k1', 'k2', 'k3', 'k4', 'k5']) {
      const d = await write({}, key);
      const text = linesOf(d).join('\n');
      expect(text).toMatch(/봉골레|까르보나라|리조또|티라미수/);
      expect(text).toContain('연남동 파스타 공방');
      expect(text).not.toMatch(/서울특별시|마포구|동교로|\d/);
    }
    const places = new Set<string>();
    for (let i = 0; i < 10; i++)
      linesOf(await write({}, `p${i}`)).forEach((l) => /연남동|마포/.test(l) && places.add(l));
    expect(places.size).toBeGreaterThan(0);
  });

  it('repeats no line more often than the chorus is sung', async () => {
    for (const lengthSec of [15, 30, 60])
      for (let i = 0; i < 10; i++) {
        const d = await write({ lengthSec, hints: i % 2 ? '경상도 사투리' : undefined }, `r${i}`);
        const choruses = d.sections.filter((s) => s.name === 'chorus').length;
        const counts = new Map<string, number>();
        linesOf(d).forEach((l) => counts.set(l, (counts.get(l) ?? 0) + 1));
        expect(Math.max(...counts.values())).toBeLessThanOrEqual(choruses);
        expect(d.sections.map((s) => s.name)).toEqual(
          lengthSec >= 45
            ? ['verse', 'chorus', 'verse', 'chorus', 'outro']
            : ['verse', 'chorus', 'outro'],
        );
        for (const s of d.sections) expect(s.lines.length).toBeGreaterThanOrEqual(2);
        for (const l of linesOf(d)) expect(Array.from(l).length).toBeLessThanOrEqual(40);
      }
  });

  it('writes whole lines for a store with no menu, category or address', async () => {
    const d = (await engine.write({ ...base, store: { name: '무명 가게' }, keywords: [] }, 'x'))
      .lyrics;
    expect(linesOf(d).join('\n')).not.toMatch(/undefined|\{|\}/);
    expect(linesOf(d).join('\n')).toContain('무명 가게');
  });
});

describe('TemplateLyricsEngine: hints, keywords, the store, the place', () => {
  const busan = {
    name: '할매국밥',
    menu: [{ name: '돼지국밥' }, { name: '수육백반' }],
    address: '부산광역시 해운대구 우동 1394',
    roadAddress: '부산광역시 해운대구 해운대해변로 264',
    category: '한식>국밥',
  };
  const of = async (req: Partial<LyricsRequest>, key = 'k') =>
    linesOf((await engine.write({ ...base, store: busan, keywords: [], ...req }, key)).lyrics).join(
      '\n',
    );

  it('a bare "사투리로" gives the store’s own region’s dialect (Busan: Gyeongsang)', async () => {
    expect(readHints('더 신나게, 사투리로')).toMatchObject({ mood: 'energetic', anyDialect: true });
    for (const lengthSec of [15, 30, 60])
      for (const key of ['a', 'b', 'c']) {
        const text = await of({ hints: '더 신나게, 사투리로', lengthSec }, key);
        expect(text).toMatch(/예$|예\n|아이가|맛있데이|온나|보이소|알겠제|래이|좋노/m);
      }
    expect(await of({})).not.toMatch(/아이가|맛있데이|온나|보이소|알겠제|래이|좋노/);
    expect(readHints('사투리로').dialect).toBeUndefined();
  });

  it('sings every keyword the owner gave, at every length', async () => {
    const keywords = ['바다 전망', '주차 가능', '단체석'];
    for (const lengthSec of [15, 30, 60])
      for (const key of ['a', 'b', 'c', 'd']) {
        const text = await of({ keywords, lengthSec }, key);
        for (const k of keywords)
          expect({ lengthSec, key, k, sung: text.includes(k) }).toEqual({
            lengthSec,
            key,
            k,
            sung: true,
          });
      }
  });

  it('gives two stores different lyrics under the same key, and no "랄랄라" filler', async () => {
    const other = {
      ...busan,
      name: '광안리 횟집',
      address: '부산광역시 수영구 광안동 1',
      roadAddress: null,
    };
    const generic = (t: string) =>
      t.replace(/할매국밥|광안리 횟집|해운대|광안리|수영|부산|돼지국밥|수육백반/g, 'X').split('\n');
    for (const key of ['a', 'b', 'c', 'd', 'e']) {
      const a = generic(await of({}, key));
      const b = new Set(generic(await of({ store: other }, key)));
      expect(a.filter((l) => b.has(l)).length).toBeLessThan(a.length / 2);
    }
    for (let i = 0; i < 30; i++) expect(await of({}, `p${i}`)).not.toMatch(/랄랄라/);
  });

  it('says the place as people do: 해운대 바다 앞, never 해운대구 우동 1394', async () => {
    const texts = [];
    for (let i = 0; i < 20; i++) {
      const text = await of(
        {
          store: { ...busan, pitch: '해운대구 우동 1394 바로 앞' },
          keywords: ['해운대해변로 264'],
          lengthSec: 60,
        },
        `p${i}`,
      );
      expect(text).not.toMatch(/해운대구|우동|\d|해변로|광역시/);
      texts.push(text);
    }
    expect(texts.join('\n')).toMatch(/해운대 바다 앞/);
  });
});

describe('placeNamesOf', () => {
  it.each([
    [['서울특별시 마포구 서교동 123-4', '서울 마포구 와우산로 94'], '홍대', '마포'],
    [[null, '서울 마포구 와우산로 94'], '마포', '서울'],
    [['부산광역시 해운대구 우동 123'], '해운대', '부산'],
    [['부산광역시 부산진구 부전동 45'], '서면', '부산진'],
    [['서울특별시 성동구 성수동2가 56'], '성수', '성동'],
    [['전북특별자치도 전주시 완산구 중앙동 3'], '전주', '완산'],
    [['경기도 수원시 팔달구 인계동 1'], '인계', '수원'],
  ])('%j is sung as %s (around it: %s)', (addresses, near, wide) => {
    expect(placeNamesOf(...addresses)).toMatchObject({ near, wide });
  });

  it('says what a neighbourhood is known to be beside: 해운대 바다 앞', () => {
    expect(placeNamesOf('부산광역시 해운대구 우동 1394').by).toBe('바다 앞');
    expect(placeNamesOf('서울특별시 마포구 연남동 12').by).toBeUndefined();
  });
});

describe('readHints', () => {
  it('reads mood, dialect and keywords from free text', () => {
    expect(readHints('경상도 사투리로 신나게, "주차 가능" 넣어줘')).toEqual({
      mood: 'energetic',
      dialect: 'gyeongsang',
      keywords: ['주차 가능'],
    });
    expect(readHints(undefined)).toEqual({ keywords: [] });
  });
});
