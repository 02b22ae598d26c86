import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { BlockedUrlError, isPublicAddress, safeFetch } from '@app/integrations';

describe('safeFetch (SSRF guard for URLs fetched on a user’s behalf)', () => {
  let server: Server;
  let secret: Server;
  let host = '';
  let hits = 0;

  beforeAll(async () => {
    // stands in for an internal service that must never be reached
    secret = createServer((_q, r) => {
      hits++;
      r.end('internal secret');
    });
    await new Promise<void>((ok) => secret.listen(0, '127.0.0.1', ok));
    const secretPort = (secret.address() as AddressInfo).port;
    server = createServer((q, r) => {
      if (q.url === '/photo.jpg')
        return r.writeHead(200, { 'content-type': 'image/jpeg' }).end(Buffer.alloc(2048, 1));
      if (q.url === '/big.jpg')
        return r.writeHead(200, { 'content-type': 'image/jpeg' }).end(Buffer.alloc(50_000, 1));
      if (q.url === '/to-metadata')
        return r.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      if (q.url === '/to-loopback')
        return r.writeHead(301, { location: `http://127.0.0.1:${secretPort}/` }).end();
      if (q.url === '/to-localhost')
        return r.writeHead(307, { location: `http://localhost:${secretPort}/` }).end();
      if (q.url === '/to-self') return r.writeHead(302, { location: '/photo.jpg' }).end();
      r.writeHead(404).end();
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
    secret.close();
  });

  const opts = () => ({ timeoutMs: 2000, maxBytes: 10_000, allowHosts: [host] });

  it('classifies addresses', () => {
    for (const a of [
      '127.0.0.1',
      '::1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
    ])
      expect([a, isPublicAddress(a)]).toEqual([a, false]);
    for (const a of ['8.8.8.8', '211.249.220.24', '2001:4860:4860::8888'])
      expect([a, isPublicAddress(a)]).toEqual([a, true]);
  });

  it.each([
    'http://127.0.0.1/',
    'http://[::1]/',
    'http://10.0.0.5/x.jpg',
    'http://169.254.169.254/latest/meta-data/',
    'http://localhost:1/',
    'http://0x7f000001/',
    'file:///etc/passwd',
    'http://user:pw@example.com/',
  ])('refuses %s', async (url) => {
    await expect(safeFetch(url, { timeoutMs: 2000, maxBytes: 1000 })).rejects.toBeInstanceOf(
      BlockedUrlError,
    );
  });

  it('re-checks every redirect: to the metadata address, to loopback, to a name resolving to loopback', async () => {
    for (const path of ['/to-metadata', '/to-loopback', '/to-localhost']) {
      await expect(safeFetch(`http://${host}${path}`, opts())).rejects.toThrow(
        /private or reserved address/,
      );
    }
    expect(hits).toBe(0);
  });

  it('fetches an allowed URL, follows a safe redirect and caps the size', async () => {
    const ok = await safeFetch(`http://${host}/to-self`, opts());
    expect(ok.status).toBe(200);
    expect(ok.contentType).toBe('image/jpeg');
    expect(ok.body.length).toBe(2048);
    await expect(safeFetch(`http://${host}/big.jpg`, opts())).rejects.toThrow(
      /larger than 10000 bytes/,
    );
  });
});
