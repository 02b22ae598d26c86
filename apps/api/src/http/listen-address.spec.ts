import { loadConfig } from '@app/domain';
import { boundUrl, exposureWarning } from './listen-address';

describe('the address the API reports at start-up', () => {
  it('is the address actually bound, IPv6 in brackets', () => {
    expect(boundUrl({ address: '127.0.0.1', family: 'IPv4', port: 41234 })).toBe(
      'http://127.0.0.1:41234',
    );
    expect(boundUrl({ address: '::', family: 'IPv6', port: 3000 })).toBe('http://[::]:3000');
  });

  it('warns when dev login is on and the API listens beyond this machine', () => {
    // the embedded default: loopback, dev login on, nothing to say
    const embedded = loadConfig({}, 'api');
    expect(exposureWarning(embedded.http.host, embedded.auth.devLogin)).toBeNull();
    for (const loopback of ['127.0.0.1', '127.0.0.2', '::1', 'localhost'])
      expect(exposureWarning(loopback, true)).toBeNull();
    expect(exposureWarning('0.0.0.0', true)).toMatch(
      /^HOST=0\.0\.0\.0: the API is reachable from other machines while dev login/,
    );
    expect(exposureWarning('192.168.0.7', true)).toMatch(/^HOST=192\.168\.0\.7/);
    // dev login off (staged): listening on the network is what a deployment does
    expect(exposureWarning('0.0.0.0', false)).toBeNull();
  });
});
