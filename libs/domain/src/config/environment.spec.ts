import { AppConfig } from './app-config';
import { validateEnvironment } from './environment';

const staged = (stage: string, extra: Record<string, string> = {}) => ({
  CASTAD_STAGE: stage,
  DB_HOST: 'db',
  DB_USER: 'castad',
  DB_NAME: 'castad',
  JWT_SECRET: 'x'.repeat(32),
  KAKAO_CLIENT_ID: 'rest-key',
  KAKAO_APP_ID: '1234',
  KAKAO_REDIRECT_URI: 'https://api.example.com/v1/auth/kakao/callback',
  ...extra,
});

describe('environment validation', () => {
  it('accepts an empty environment: the embedded default needs nothing', () => {
    const env = validateEnvironment({});
    expect(env.CASTAD_STAGE).toBe('embedded');
    expect(new AppConfig(env, 'api').database).toMatchObject({
      kind: 'sqlite',
      migrateOnStart: true,
    });
  });

  it.each([
    [{ CASTAD_STAGE: '4' }, 'CASTAD_STAGE'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [staged('1', { DB_HOST: '' }), 'DB_HOST'],
    [{ CASTAD_STAGE: '1', DB_HOST: 'db', DB_NAME: 'x' }, 'DB_USER'],
    [staged('2'), 'DB_REPLICAS'],
    [staged('2', { DB_REPLICAS: 'a:1,,b' }), 'DB_REPLICAS'],
    [staged('3', { DB_REPLICAS: 'r1' }), 'REDIS_URL'],
    [staged('3', { DB_REPLICAS: 'r1', REDIS_URL: 'http://x' }), 'REDIS_URL'],
    [staged('1', { DB_POOL_MAX: '0' }), 'DB_POOL_MAX'],
    [staged('1', { DB_IDLE_TIMEOUT_MS: '10' }), 'DB_IDLE_TIMEOUT_MS'],
    [staged('1', { DB_ENGINE: 'postgres' }), 'DB_ENGINE'],
    [staged('1', { DB_MIGRATE_ON_START: 'maybe' }), 'DB_MIGRATE_ON_START'],
    [staged('1', { JWT_SECRET: 'too-short' }), 'JWT_SECRET'],
    [staged('1', { JWT_SECRET: '' }), 'JWT_SECRET'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [staged('1', { JWT_ALGORITHM: 'none' }), 'JWT_ALGORITHM'],
    [staged('1', { JWT_ALGORITHM: 'RS256' }), 'JWT_PRIVATE_KEY'],
    [staged('1', { KAKAO_CLIENT_ID: '' }), 'KAKAO_CLIENT_ID'],
    [staged('1', { KAKAO_APP_ID: 'abc' }), 'KAKAO_APP_ID'],
    [staged('1', { KAKAO_REDIRECT_URI: '/relative' }), 'KAKAO_REDIRECT_URI'],
    [{ KAKAO_CLIENT_ID: 'k' }, 'KAKAO_APP_ID'],
    [staged('1', { ACCESS_TOKEN_TTL_SEC: '5' }), 'ACCESS_TOKEN_TTL_SEC'],
    [{ LYRICS_ENGINE: 'openai' }, 'OPENAI_API_KEY'],
    [{ LYRICS_ENGINE: 'gpt' }, 'LYRICS_ENGINE'],
    [{ GOOGLE_CLIENT_ID: 'g' }, 'GOOGLE_CLIENT_SECRET'],
    [{ INSTAGRAM_APP_ID: 'i' }, 'INSTAGRAM_APP_SECRET'],
    [staged('1', { GOOGLE_CLIENT_ID: 'g', GOOGLE_CLIENT_SECRET: 's' }), 'SOCIAL_TOKEN_KEY'],
    [{ SOCIAL_TOKEN_KEY: 'not-hex' }, 'SOCIAL_TOKEN_KEY'],
    [{ PHOTO_MAX_BYTES: '10' }, 'PHOTO_MAX_BYTES'],
  ])('refuses %j naming %s', (raw, variable) => {
    expect(() => validateEnvironment(raw)).toThrow(
      new RegExp(`^Invalid configuration:[\\s\\S]*\\b${variable}\\b`),
    );
  });

  it('never echoes a password it refuses', () => {
    expect(() =>
      validateEnvironment(staged('1', { DB_PASSWORD: 'hunter2hunter2', DB_POOL_MAX: '0' })),
    ).not.toThrow(/hunter2/);
  });

  it('refuses an idle count above the cap', () => {
    expect(() => validateEnvironment(staged('1', { DB_POOL_MAX: '4', DB_POOL_IDLE: '5' }))).toThrow(
      /DB_POOL_IDLE/,
    );
  });
});

describe('AppConfig from the stage', () => {
  it.each([
    ['1', 'api', 40, 20],
    ['2', 'api', 20, 10],
    ['3', 'api', 10, 5],
    ['1', 'scheduler', 20, 10],
    ['2', 'scheduler', 10, 5],
    ['3', 'scheduler', 6, 3],
  ] as const)(
    'stage %s %s pool: max %i, idle %i (infrastructure table)',
    (stage, role, max, idle) => {
      const env = validateEnvironment(
        staged(stage, { DB_REPLICAS: 'r1:3307,r2', REDIS_URL: 'redis://r:6379' }),
      );
      const db = new AppConfig(env, role).database;
      expect(db).toMatchObject({ kind: 'mysql', pool: { max, idle }, idleTimeoutMs: 270_000 });
    },
  );

  it('lets single variables override the stage defaults', () => {
    const env = validateEnvironment(
      staged('2', {
        DB_REPLICAS: 'r1',
        DB_POOL_MAX: '7',
        DB_POOL_IDLE: '2',
        DB_IDLE_TIMEOUT_MS: '100000',
      }),
    );
    expect(new AppConfig(env, 'api').database).toMatchObject({
      pool: { max: 7, idle: 2 },
      idleTimeoutMs: 100_000,
    });
  });

  it('reads 1..N replicas at stage 2+, none at stage 1, with the primary port as default', () => {
    const two = new AppConfig(
      validateEnvironment(staged('2', { DB_PORT: '3310', DB_REPLICAS: 'r1:3307,r2' })),
      'api',
    ).database;
    expect(two.kind === 'mysql' && two.replicas).toEqual([
      { host: 'r1', port: 3307 },
      { host: 'r2', port: 3310 },
    ]);
    const one = new AppConfig(validateEnvironment(staged('1', { DB_REPLICAS: 'r1' })), 'api')
      .database;
    expect(one.kind === 'mysql' && one.replicas).toEqual([]);
  });

  it('migrates at start only in the embedded API unless told otherwise', () => {
    expect(new AppConfig(validateEnvironment({}), 'scheduler').database.migrateOnStart).toBe(false);
    expect(new AppConfig(validateEnvironment({}), 'cli').database.migrateOnStart).toBe(false);
    expect(new AppConfig(validateEnvironment(staged('1')), 'api').database.migrateOnStart).toBe(
      false,
    );
    expect(
      new AppConfig(validateEnvironment(staged('1', { DB_MIGRATE_ON_START: 'true' })), 'api')
        .database.migrateOnStart,
    ).toBe(true);
  });
});

describe('where the API listens and whether it serves the studio page', () => {
  const http = (env: Record<string, string>) => new AppConfig(validateEnvironment(env), 'api').http;

  it('listens on loopback only and serves the studio on the embedded default', () => {
    expect(http({})).toMatchObject({ host: '127.0.0.1', studio: true });
    // a copied .env.example (HOST= and STUDIO_ENABLED= empty) is the same
    expect(http({ HOST: '', STUDIO_ENABLED: '' })).toMatchObject({
      host: '127.0.0.1',
      studio: true,
    });
  });

  it('listens on every address without the studio when staged', () => {
    expect(http(staged('1'))).toMatchObject({ host: '0.0.0.0', studio: false });
  });

  it('takes an explicit HOST and STUDIO_ENABLED on any stage', () => {
    expect(http({ HOST: '0.0.0.0', STUDIO_ENABLED: 'false' })).toMatchObject({
      host: '0.0.0.0',
      studio: false,
    });
    expect(http(staged('1', { HOST: '10.0.0.5', STUDIO_ENABLED: 'true' }))).toMatchObject({
      host: '10.0.0.5',
      studio: true,
    });
  });

  it('refuses a STUDIO_ENABLED that is not a boolean, naming it', () => {
    expect(() => validateEnvironment({ STUDIO_ENABLED: 'maybe' })).toThrow(
      /STUDIO_ENABLED must be true or false/,
    );
  });
});
