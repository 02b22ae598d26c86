import { loadConfig } from './load-config';

// a secret given, so no embedded one is written beside the SQLite file
const SECRET = { JWT_SECRET: 'x'.repeat(32) };

describe('the configuration loader', () => {
  it('builds a validated configuration from the environment record it is given', () => {
    const config = loadConfig(
      { ...SECRET, PORT: '4123', TRUSTED_PROXIES: '10.0.0.1, 10.0.0.0/8' },
      'api',
    );
    expect(config.http).toMatchObject({ port: 4123, trustedProxies: ['10.0.0.1', '10.0.0.0/8'] });
    expect(config.role).toBe('api');
  });

  it('links files at the address the API listens on unless PUBLIC_BASE_URL says otherwise', () => {
    const at = (env: Record<string, string>) =>
      loadConfig({ ...SECRET, ...env }, 'api').publicBaseUrl;
    // the embedded default listens on 127.0.0.1, as the README and the start-up line say
    expect(at({ PORT: '4123' })).toBe('http://127.0.0.1:4123');
    expect(at({ PORT: '4123', HOST: '0.0.0.0' })).toBe('http://localhost:4123');
    expect(at({ PORT: '4123', HOST: '::1' })).toBe('http://[::1]:4123');
    expect(at({ PUBLIC_BASE_URL: 'https://api.castad.kr/' })).toBe('https://api.castad.kr');
  });

  it('lets two configurations live in one process', () => {
    const a = loadConfig({ ...SECRET, PORT: '4001', DB_SQLITE_PATH: '/tmp/a.sqlite' }, 'api');
    const b = loadConfig(
      { ...SECRET, PORT: '4002', DB_SQLITE_PATH: '/tmp/b.sqlite', LOG_LEVEL: 'debug' },
      'scheduler',
    );
    expect([a.http.port, a.database, a.logLevel, a.role]).toEqual([
      4001,
      { kind: 'sqlite', path: '/tmp/a.sqlite', migrateOnStart: true },
      'info',
      'api',
    ]);
    expect([b.http.port, b.database, b.logLevel, b.role]).toEqual([
      4002,
      { kind: 'sqlite', path: '/tmp/b.sqlite', migrateOnStart: false },
      'debug',
      'scheduler',
    ]);
  });

  it('refuses a bad value with a message naming the variable', () => {
    expect(() => loadConfig({ PORT: 'not-a-port' }, 'api')).toThrow(/PORT \("not-a-port"\)/);
    expect(() => loadConfig({ ...SECRET, PRICE_TABLE: '{"suno:song":-1}' }, 'api')).toThrow(
      /PRICE_TABLE: "suno:song" must be a number/,
    );
  });
});
