import { AI_NOTICE, defaultCaption, defaultTitle } from './ai-disclosure';

describe('AI disclosure in what we publish', () => {
  it('the default caption names the store and ends with the plain Korean AI notice', () => {
    const caption = defaultCaption({
      name: '할매국밥',
      roadAddress: '부산 해운대구 중동1로 1',
      address: '부산 해운대구 중동 1',
    });
    expect(caption).toBe(`할매국밥 · 부산 해운대구 중동1로 1\n\n${AI_NOTICE}`);
    expect(AI_NOTICE).toBe('이 영상의 노래와 가사는 AI로 만들었습니다.');
  });

  it('falls back to the lot address, then to the name alone', () => {
    expect(defaultCaption({ name: 'A', roadAddress: null, address: '서울 중구 1' })).toBe(
      `A · 서울 중구 1\n\n${AI_NOTICE}`,
    );
    expect(defaultCaption({ name: 'A', roadAddress: null, address: null })).toBe(
      `A\n\n${AI_NOTICE}`,
    );
  });

  it('the default title is one YouTube takes: no angle brackets, at most 100 characters', () => {
    expect(defaultTitle({ name: '<맛집>', roadAddress: null, address: null })).toBe('맛집 CM송');
    expect(
      Array.from(defaultTitle({ name: '가'.repeat(150), roadAddress: null, address: null })),
    ).toHaveLength(100);
  });
});
