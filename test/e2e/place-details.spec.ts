import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { fetchPlaceDetails } from '@app/integrations';

const PAGE = `<!doctype html><html><head><title>할매국밥</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"WebSite","name":"x"}</script>
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"Restaurant","name":"해운대 할매국밥","telephone":"051-123-4567",
"description":"40년 전통 돼지국밥","image":["https://img.example.com/1.jpg",{"@type":"ImageObject","url":"https://img.example.com/2.jpg"}],
"openingHoursSpecification":[{"dayOfWeek":["https://schema.org/Monday","Tuesday"],"opens":"09:00","closes":"21:00"}],
"hasMenu":{"@type":"Menu","hasMenuSection":[{"@type":"MenuSection","hasMenuItem":[{"@type":"MenuItem","name":"돼지국밥","offers":{"price":"9000","priceCurrency":"KRW"}},{"@type":"MenuItem","name":"수육"}]}]}}]}</script>
</head><body>hi</body></html>`;

describe('place details (menu, hours, photos) from the store’s own page', () => {
  let server: Server;
  let host = '';
  beforeAll(async () => {
    server = createServer((q, r) => {
      if (q.url === '/place')
        return r.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
      if (q.url === '/plain')
        return r
          .writeHead(200, { 'content-type': 'text/html' })
          .end('<html><body>menu on a poster</body></html>');
      if (q.url === '/slow') return void setTimeout(() => r.end(PAGE), 2000);
      r.writeHead(404).end();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });
  const opts = () => ({ timeoutMs: 500, allowHosts: [host] });

  it('reads schema.org JSON-LD: menu with prices, opening hours, photos, phone', async () => {
    const d = await fetchPlaceDetails(`http://${host}/place`, opts());
    expect(d).toEqual({
      available: true,
      source: `http://${host}/place`,
      description: '40년 전통 돼지국밥',
      hours: 'Monday,Tuesday 09:00-21:00',
      phone: '051-123-4567',
      menu: [{ name: '돼지국밥', price: '9000원' }, { name: '수육' }],
      photos: ['https://img.example.com/1.jpg', 'https://img.example.com/2.jpg'],
    });
  });

  it('says clearly when the details are not available: no link, no JSON-LD, 404, timeout, an internal address', async () => {
    expect(await fetchPlaceDetails(null, opts())).toMatchObject({
      available: false,
      reason: expect.stringMatching(/no web page/),
    });
    expect(await fetchPlaceDetails(`http://${host}/plain`, opts())).toMatchObject({
      available: false,
      reason: expect.stringMatching(/does not describe/),
    });
    expect(await fetchPlaceDetails(`http://${host}/missing`, opts())).toMatchObject({
      available: false,
      reason: expect.stringMatching(/answered 404/),
    });
    expect(await fetchPlaceDetails(`http://${host}/slow`, opts())).toMatchObject({
      available: false,
      reason: expect.stringMatching(/did not answer within 500 ms/),
    });
    expect(
      await fetchPlaceDetails('http://169.254.169.254/latest/meta-data/', opts()),
    ).toMatchObject({ available: false, reason: expect.stringMatching(/private or reserved/) });
  });
});
