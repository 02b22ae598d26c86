import {
  NaverLocalSearch,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '@app/integrations';
import { FakeNaver } from '../fakes/naver.fake';

describe('NaverLocalSearch against a fake Naver', () => {
  const naver = new FakeNaver();
  let search: NaverLocalSearch;
  beforeAll(async () => {
    await naver.start();
    search = new NaverLocalSearch({
      baseUrl: naver.url,
      clientId: naver.clientId,
      clientSecret: naver.clientSecret,
      timeoutMs: 500,
    });
  });
  afterAll(() => naver.stop());

  it('strips <b> tags, decodes entities, turns mapx/mapy into coordinates, empties into nulls', async () => {
    const [first, second] = await search.search('해운대');
    expect(first).toMatchObject({
      name: '해운대 할매국밥 & 수육',
      category: '한식>국밥',
      phone: null,
      latitude: 35.1631,
      longitude: 129.1635,
      link: 'https://example.com/p/1',
    });
    expect(second).toMatchObject({ name: '해운대 밀면', roadAddress: null, phone: '051-000-1111' });
  });

  it('finds candidate photos with the image search: plain titles, sizes, only http(s) links', async () => {
    const images = await search.images('해운대 할매국밥');
    expect(images).toEqual([
      {
        title: '할매국밥 돼지국밥 한 그릇',
        url: 'https://search.pstatic.net/common/?src=a.jpg',
        thumbnailUrl: 'https://search.pstatic.net/thumb/a.jpg',
        width: 1200,
        height: 800,
      },
      {
        title: '국밥 & 수육',
        url: 'https://blogfiles.pstatic.net/b.png',
        thumbnailUrl: 'https://search.pstatic.net/thumb/b.jpg',
        width: 640,
        height: null,
      },
    ]);
    naver.failNext(1, {
      status: 429,
      body: { errorMessage: 'Rate limit exceeded', errorCode: '012' },
    });
    await expect(search.images('a')).rejects.toBeInstanceOf(ProviderUnavailableError);
  });

  it('maps bad credentials, rate limits, server errors, timeouts and malformed bodies to our errors', async () => {
    const wrong = new NaverLocalSearch({
      baseUrl: naver.url,
      clientId: 'x',
      clientSecret: 'y',
      timeoutMs: 500,
    });
    await expect(wrong.search('a')).rejects.toBeInstanceOf(ProviderRejectedError);
    naver.failNext(1, {
      status: 429,
      body: { errorMessage: 'Rate limit exceeded', errorCode: '012' },
      headers: { 'retry-after': '3' },
    });
    await expect(search.search('a')).rejects.toMatchObject({
      retryAfterSec: 3,
      failure: 'unavailable',
    });
    naver.failNext(1, { status: 500, body: { errorMessage: 'System error', errorCode: 'SE99' } });
    await expect(search.search('a')).rejects.toBeInstanceOf(ProviderUnavailableError);
    naver.failNext(1, { status: 200, body: '<html>oops' });
    await expect(search.search('a')).rejects.toThrow(/malformed/);
    naver.knobs.latencyMs = 1000;
    try {
      await expect(search.search('a')).rejects.toThrow(/no answer within 500 ms/);
    } finally {
      naver.knobs.latencyMs = 0;
    }
  });
});
