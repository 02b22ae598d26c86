import { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { AppConfig } from '@app/domain';
import { helmetOptions, securityHeaders } from './security-headers';

const config = {
  integrations: { blob: { engine: 'local', root: '/data' } },
  publicBaseUrl: 'http://127.0.0.1:3000',
} as unknown as AppConfig;

const response = () => {
  const res = new ServerResponse({ method: 'GET' } as IncomingMessage);
  res.setHeader('X-Powered-By', 'something');
  return res;
};

describe('securityHeaders', () => {
  it('gives a response the headers helmet gives it on each request, in the same order, without X-Powered-By', () => {
    const ours = response();
    securityHeaders(config)(ours);
    const helmets = response();
    helmet(helmetOptions(config))(new IncomingMessage(null as never), helmets, () => undefined);
    expect(Object.entries(ours.getHeaders())).toEqual(Object.entries(helmets.getHeaders()));
    expect(ours.getHeader('x-powered-by')).toBeUndefined();
    expect(ours.getHeader('x-frame-options')).toBe('DENY');
    expect(ours.getHeader('content-security-policy')).toContain(
      "media-src 'self' http://127.0.0.1:3000",
    );
    expect(ours.getHeader('strict-transport-security')).toBeUndefined();
  });
});
