import type { IncomingMessage, ServerResponse } from 'node:http';
import { startTime } from 'pino-http';
import { requestLogLevel, SLOW_REQUEST_MS } from './logging';

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
    expect(requestLogLevel(req('GET'), res(503))).toBe('error');
    expect(requestLogLevel(req('GET'), res(200), new Error('aborted'))).toBe('error');
  });
});
