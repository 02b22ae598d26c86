import { LyricsRequest } from './lyrics-engine';
import { userPrompt } from './openai-lyrics-engine';

const req: LyricsRequest = {
  store: {
    name: '할매국밥',
    category: '한식>국밥',
    address: '부산광역시 해운대구 우동 1394',
    menu: [{ name: '돼지국밥' }],
  },
  mood: 'bright',
  genre: 'pop',
  keywords: ['바다 전망'],
  hints: "더 신나게, 사투리로, '주차 가능' 넣어줘",
  lengthSec: 30,
};

describe('the OpenAI lyrics prompt', () => {
  it('gets the same reading of the hints as the offline engine: mood, dialect, every keyword', () => {
    const prompt = userPrompt(req);
    expect(prompt).toContain('분위기: energetic');
    // a bare "사투리로" means the store's region's: Busan speaks Gyeongsang
    expect(prompt).toMatch(/말투: 경상도\(부산\) 사투리로/);
    expect(prompt).toMatch(/꼭 넣을 말 \(하나하나 가사 한 줄에 그대로\): 주차 가능, 바다 전망/);
    expect(prompt).toContain("수정 요청: 더 신나게, 사투리로, '주차 가능' 넣어줘");
  });

  it('names the place as people say it and keeps the address out of the lyrics', () => {
    const prompt = userPrompt(req);
    expect(prompt).toMatch(/가사 속 동네 이름: 해운대 바다 앞 \(부산\) - 주소.*쓰지 않습니다/);
  });

  it('asks no dialect and no mood change when the hints do not', () => {
    const prompt = userPrompt({ ...req, hints: undefined, keywords: [] });
    expect(prompt).not.toMatch(/말투|꼭 넣을 말|수정 요청/);
    expect(prompt).toContain('분위기: bright');
  });
});
