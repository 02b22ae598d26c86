import { FakeHttpServer } from './fake-http';

/** The errors Naver's Search API documents: status, errorCode, errorMessage. */
export const NAVER_ERRORS: [number, string, string][] = [
  [400, 'SE01', 'Incorrect query request (잘못된 쿼리요청입니다.)'],
  [400, 'SE02', 'Invalid display value (부적절한 display 값입니다.)'],
  [400, 'SE03', 'Invalid start value (부적절한 start 값입니다.)'],
  [400, 'SE04', 'Invalid sort value (부적절한 sort 값입니다.)'],
  [404, 'SE05', 'Invalid search api (존재하지 않는 검색 api 입니다.)'],
  [400, 'SE06', 'Malformed encoding (잘못된 형식의 인코딩입니다.)'],
  [401, '024', 'Authentication failed (인증에 실패했습니다.)'],
  [403, '024', 'Forbidden: the API is not enabled for this application'],
  [429, '012', 'Quota Exceeded (호출 한도를 초과했습니다.)'],
  [500, 'SE99', 'System Error (시스템 에러)'],
];

/**
 * Naver Search API (local.json) with its real fields, quirks and error bodies; each
 * documented error is a row (`serve('429-012')`) on both search routes.
 */
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
    for (const [status, errorCode, errorMessage] of NAVER_ERRORS)
      for (const route of ['local', 'image'])
        this.document(`${route}:${status}-${errorCode}`, {
          route: `GET /v1/search/${route}.json`,
          reply: () => ({ status, body: { errorMessage, errorCode } }),
        });
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
