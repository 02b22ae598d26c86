import { FakeHttpServer } from './fake-http';

/** Naver Search API (local.json) with its real fields, quirks and error bodies. */
export class FakeNaver extends FakeHttpServer {
  clientId = 'naver-id';
  clientSecret = 'naver-secret';
  items: Record<string, unknown>[] = [
    {
      title: '<b>해운대</b> 할매국밥 &amp; 수육',
      link: 'https://example.com/p/1',
      category: '한식&gt;국밥',
      description: '',
      telephone: '',
      address: '부산광역시 해운대구 우동 123',
      roadAddress: '부산광역시 해운대구 해운대로 1',
      mapx: '1291635000',
      mapy: '351631000',
    },
    {
      title: '<b>해운대</b> 밀면',
      link: '',
      category: '한식>냉면',
      description: '',
      telephone: '051-000-1111',
      address: '부산광역시 해운대구 중동 1',
      roadAddress: '',
      mapx: '1291700000',
      mapy: '351600000',
    },
  ];

  images: Record<string, unknown>[] = [
    {
      title: '<b>할매국밥</b> 돼지국밥 한 그릇',
      link: 'https://search.pstatic.net/common/?src=a.jpg',
      thumbnail: 'https://search.pstatic.net/thumb/a.jpg',
      sizeheight: '800',
      sizewidth: '1200',
    },
    {
      title: '국밥 &amp; 수육',
      link: 'https://blogfiles.pstatic.net/b.png',
      thumbnail: 'https://search.pstatic.net/thumb/b.jpg',
      sizeheight: '',
      sizewidth: '640',
    },
    {
      title: 'no link',
      link: 'javascript:alert(1)',
      thumbnail: '',
      sizeheight: '1',
      sizewidth: '1',
    },
  ];

  constructor() {
    super();
    this.route('GET', '/v1/search/local.json', (req) => {
      if (
        req.headers['x-naver-client-id'] !== this.clientId ||
        req.headers['x-naver-client-secret'] !== this.clientSecret
      ) {
        return {
          status: 401,
          body: { errorMessage: 'Authentication failed (인증에 실패했습니다.)', errorCode: '024' },
        };
      }
      const display = Number(req.query.get('display') ?? 1);
      if (
        !req.query.get('query') ||
        display < 1 ||
        display > 5 ||
        Number(req.query.get('start') ?? 1) > 1
      ) {
        return {
          status: 400,
          body: {
            errorMessage: 'Incorrect query request (잘못된 쿼리요청입니다.)',
            errorCode: 'SE01',
          },
        };
      }
      const items = this.items.slice(0, display);
      return {
        status: 200,
        body: {
          lastBuildDate: new Date().toUTCString(),
          total: items.length,
          start: 1,
          display: items.length,
          items,
        },
      };
    });
    this.route('GET', '/v1/search/image.json', (req) => {
      if (
        req.headers['x-naver-client-id'] !== this.clientId ||
        req.headers['x-naver-client-secret'] !== this.clientSecret
      ) {
        return {
          status: 401,
          body: { errorMessage: 'Authentication failed (인증에 실패했습니다.)', errorCode: '024' },
        };
      }
      const display = Number(req.query.get('display') ?? 10);
      if (!req.query.get('query') || display < 1 || display > 100)
        return {
          status: 400,
          body: {
            errorMessage: 'Incorrect query request (잘못된 쿼리요청입니다.)',
            errorCode: 'SE01',
          },
        };
      const items = this.images.slice(0, display);
      return {
        status: 200,
        body: {
          lastBuildDate: new Date().toUTCString(),
          total: items.length,
          start: 1,
          display: items.length,
          items,
        },
      };
    });
  }
}
