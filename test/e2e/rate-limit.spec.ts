import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ApiKeyService } from '@app/domain';
import { startApi, TestApi } from '../harness/api-app';
import { removeDir, tempDir } from '../harness/process';

describe('rate limits on one instance (memory)', () => {
  const dir = tempDir('rl');
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi({
      DB_SQLITE_PATH: join(dir, 'rl.sqlite'),
      RATE_LIMIT_PER_MINUTE: '5',
      TRUSTED_PROXIES: '127.0.0.1',
    });
  });
  afterAll(async () => {
    await api.close();
    removeDir(dir);
  });

  it('refuses the 6th request of a minute with 429 and Retry-After, per user, never health checks', async () => {
    const a = (
      await api.request('POST', '/v1/auth/dev-login', {
        body: { nickname: 'a' },
        headers: { 'x-forwarded-for': '203.0.113.1' },
      })
    ).body.accessToken;
    const b = (
      await api.request('POST', '/v1/auth/dev-login', {
        body: { nickname: 'b' },
        headers: { 'x-forwarded-for': '203.0.113.2' },
      })
    ).body.accessToken;
    const codes = [];
    const remaining = [];
    for (let i = 0; i < 6; i++) {
      const res = await api.request('GET', '/v1/me', { token: a });
      codes.push(res.status);
      remaining.push(res.headers['ratelimit-remaining']);
      // the IETF draft's names (RateLimit-*), not the X- ones
      if (res.status === 200)
        expect(res.headers).toMatchObject({
          'ratelimit-limit': '5',
          'ratelimit-reset': expect.stringMatching(/^\d+$/),
        });
      expect(res.headers['x-ratelimit-limit']).toBeUndefined();
    }
    expect(codes).toEqual([200, 200, 200, 200, 200, 429]);
    expect(remaining.slice(0, 5)).toEqual(['4', '3', '2', '1', '0']);
    const over = await api.request('GET', '/v1/me', { token: a });
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect((await api.request('GET', '/v1/me', { token: b })).status).toBe(200);
    for (let i = 0; i < 10; i++)
      expect((await api.request('GET', '/health/live')).status).toBe(200);
  });

  it('counts anonymous clients by the address nginx forwards (from a trusted proxy only)', async () => {
    const from = (ip: string) =>
      api.request('GET', '/v1/me', { headers: { 'x-forwarded-for': ip } });
    for (let i = 0; i < 5; i++) expect((await from('198.51.100.7')).status).toBe(401);
    expect((await from('198.51.100.7')).status).toBe(429);
    expect((await from('198.51.100.8')).status).toBe(401);
  });

  it('counts made-up API keys by address: rotating keys gets no fresh bucket', async () => {
    const fake = () => `cak_${randomBytes(6).toString('hex')}_x`;
    const codes = [];
    for (let i = 0; i < 6; i++)
      codes.push(
        (
          await api.request('POST', '/v1/auth/refresh', {
            body: { refreshToken: 'none' },
            headers: { 'x-forwarded-for': '198.51.100.9', 'x-api-key': fake() },
          })
        ).status,
      );
    expect(codes.slice(0, 5).every((c) => c !== 429)).toBe(true);
    expect(codes[5]).toBe(429);
  });

  it('counts a verified API key for itself, whatever address it comes from', async () => {
    const keys = api.get(ApiKeyService);
    await keys.createPartner('Limited');
    const { key } = await keys.issue('Limited', ['stores:read']);
    const codes = [];
    for (let i = 0; i < 6; i++)
      codes.push(
        (
          await api.request('GET', '/v1/stores', {
            apiKey: key,
            headers: { 'x-forwarded-for': `192.0.2.${10 + i}` },
          })
        ).status,
      );
    expect(codes).toEqual([200, 200, 200, 200, 200, 429]);
  });
});
