import type { IncomingMessage, ServerResponse } from 'node:http';
import { startTime } from 'pino-http';
import { ServerResponse as Response } from 'node:http';
import { requestForLog, requestLogLevel, responseForLog, SLOW_REQUEST_MS } from './logging';

const req = (method: string) => ({ method }) as IncomingMessage;
const res = (statusCode: number, tookMs = 1) =>
  ({ statusCode, [startTime]: Date.now() - tookMs }) as unknown as ServerResponse;

describe('requestLogLevel', () => {
  it('logs successful fast reads at debug, slow ones at info', () => {
    expect(requestLogLevel(req('GET'), res(200))).toBe('debug');
    expect(requestLogLevel(req('HEAD'), res(304))).toBe('debug');
    expect(requestLogLevel(req('GET'), res(200, SLOW_REQUEST_MS + 10))).toBe('info');
  });

  it('keeps writes, refusals and errors', () => {
    expect(requestLogLevel(req('POST'), res(201))).toBe('info');
    expect(requestLogLevel(req('DELETE'), res(204))).toBe('info');
    expect(requestLogLevel(req('GET'), res(401))).toBe('info');
    expect(requestLogLevel(req('GET'), res(404))).toBe('info');
    expect(requestLogLevel(req('GET'), res(500))).toBe('error');
    expect(requestLogLevel(req('POST'), res(502))).toBe('error');
  });

  it('logs a clean 503 (an outage answered with Retry-After) at warn, even with its err', () => {
    expect(requestLogLevel(req('GET'), res(503))).toBe('warn');
    expect(requestLogLevel(req('GET'), res(503), new Error('failed with status code 503'))).toBe(
      'warn',
    );
    expect(requestLogLevel(req('GET'), res(200), new Error('aborted'))).toBe('error');
  });
});

describe('requestForLog', () => {
  it('shows the request with its credentials redacted, and leaves the request alone', () => {
    const headers = {
      authorization: 'Bearer secret-token',
      cookie: 'sid=secret-cookie',
      'x-api-key': 'cak_secret',
      'user-agent': 'ua',
    };
    const req = {
      id: 'r-1',
      method: 'GET',
      url: '/v1/files/a.mp4?exp=1&sig=secret-sig',
      headers,
      socket: { remoteAddress: '127.0.0.1', remotePort: 5000 },
    } as unknown as IncomingMessage;
    expect(requestForLog(req)).toEqual({
      id: 'r-1',
      method: 'GET',
      url: '/v1/files/a.mp4?exp=1&sig=[redacted]',
      headers: {
        authorization: '[redacted]',
        cookie: '[redacted]',
        'x-api-key': '[redacted]',
        'user-agent': 'ua',
      },
      remoteAddress: '127.0.0.1',
      remotePort: 5000,
    });
    expect(req.headers.authorization).toBe('Bearer secret-token');
  });
});

describe('responseForLog', () => {
  it('shows the status and headers with a cookie it sets redacted, and leaves the response alone', () => {
    const res = new Response({ method: 'POST' } as IncomingMessage);
    res.statusCode = 201;
    res.setHeader('content-type', 'application/json');
    res.setHeader('set-cookie', ['castad_login=secret; HttpOnly']);
    Object.defineProperty(res, 'headersSent', { value: true });
    expect(responseForLog(res)).toEqual({
      statusCode: 201,
      headers: { 'content-type': 'application/json', 'set-cookie': '[redacted]' },
    });
    expect(res.getHeader('set-cookie')).toEqual(['castad_login=secret; HttpOnly']);
    res.removeHeader('set-cookie');
    expect(responseForLog(res).headers).toEqual({ 'content-type': 'application/json' });
  });

  it("keeps a redirect's secrets out: the sign-in's tokens in the fragment, an OAuth state", () => {
    const res = new Response({ method: 'GET' } as IncomingMessage);
    res.statusCode = 302;
    Object.defineProperty(res, 'headersSent', { value: true });
    res.setHeader('location', '/studio/#accessToken=eyJ.a.b&refreshToken=rt_secret');
    expect(responseForLog(res).headers).toEqual({ location: '/studio/#[redacted]' });
    res.setHeader(
      'location',
      'https://kauth.kakao.com/oauth/authorize?client_id=app&state=s3cret&response_type=code',
    );
    const logged = JSON.stringify(responseForLog(res));
    expect(logged).not.toContain('s3cret');
    expect(logged).toContain('https://kauth.kakao.com/oauth/authorize?client_id=app&state=');
    expect(res.getHeader('location')).toContain('state=s3cret');
  });
});
