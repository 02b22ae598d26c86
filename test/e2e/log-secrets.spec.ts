import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { AppProcess, waitForHttp } from '../harness/app-process';
import { freePort } from '../harness/ports';
import { removeDir, tempDir } from '../harness/process';

jest.setTimeout(60_000);

/**
 * The API's request logs over a journey of an owner: every credential it used (tokens, a
 * signed link's signature, a webhook's callback token, an OAuth code and state, a queue board
 * token) must be absent from the log file, while the requests themselves are logged.
 */
describe('no secret in the logs', () => {
  const dir = tempDir('log-secrets');
  afterAll(() => removeDir(dir));

  it('logs every request of a journey with its secrets redacted', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const log = join(dir, 'api.log');
    const api = new AppProcess(
      'dist/apps/api/src/main.js',
      {
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_BASE_URL: base,
        DB_SQLITE_PATH: join(dir, 'l.sqlite'),
        BLOB_LOCAL_ROOT: join(dir, 'blobs'),
        // successful reads are logged at debug: every request of the journey is checked
        LOG_LEVEL: 'debug',
      },
      log,
    ).start();
    const secrets: string[] = [];
    try {
      await waitForHttp(`${base}/health/live`);
      const call = async (
        method: string,
        path: string,
        opts: { token?: string; body?: unknown; form?: FormData } = {},
      ) => {
        const res = await fetch(`${base}${path}`, {
          method,
          headers: {
            ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
            ...(opts.body ? { 'content-type': 'application/json' } : {}),
          },
          body: opts.form ?? (opts.body ? JSON.stringify(opts.body) : undefined),
        });
        const text = await res.text();
        return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
      };
      const session = (await call('POST', '/v1/auth/dev-login', { body: { nickname: '비밀' } }))
        .body;
      secrets.push(session.accessToken, session.refreshToken);
      const store = (
        await call('POST', '/v1/stores', {
          token: session.accessToken,
          body: { name: '비밀 가게' },
        })
      ).body;
      const form = new FormData();
      form.append(
        'photo',
        new Blob(
          [
            await sharp({ create: { width: 640, height: 640, channels: 3, background: '#777' } })
              .jpeg()
              .toBuffer(),
          ],
          { type: 'image/jpeg' },
        ),
        'p.jpg',
      );
      expect(
        (await call('POST', `/v1/stores/${store.id}/photos`, { token: session.accessToken, form }))
          .status,
      ).toBe(201);
      const photos = (
        await call('GET', `/v1/stores/${store.id}/photos`, { token: session.accessToken })
      ).body;
      const signed = new URL(photos.items[0].url);
      secrets.push(signed.searchParams.get('sig')!);
      expect((await call('GET', signed.pathname + signed.search)).status).toBe(200);
      // a provider's callback (its path carries the project's callback token), an OAuth
      // redirect back to us, and the queue board's one-time token
      const callbackToken = 'cb-secret-9f8e7d6c5b4a';
      await call(
        'POST',
        `/v1/webhooks/suno/2b1f0c9e-8a61-4a53-9d43-7b0e5d1c3f7a/${callbackToken}?key=k`,
        { body: { code: 200, data: {} } },
      );
      await call(
        'GET',
        '/v1/auth/kakao/callback?code=oauth-code-1a2b3c4d&state=oauth-state-5e6f7a8b',
      );
      await call('GET', '/admin/queues?access_token=board-token-0f1e2d3c');
      secrets.push(
        callbackToken,
        'oauth-code-1a2b3c4d',
        'oauth-state-5e6f7a8b',
        'board-token-0f1e2d3c',
      );
      await call('POST', '/v1/auth/refresh', { body: { refreshToken: session.refreshToken } });
    } finally {
      await api.stop();
    }
    const text = readFileSync(log, 'utf8');
    // the requests are there (so the check below looks at real log lines)
    expect(text).toContain('/v1/webhooks/suno/2b1f0c9e-8a61-4a53-9d43-7b0e5d1c3f7a/[redacted]');
    expect(text).toContain('sig=[redacted]');
    for (const secret of secrets)
      expect({ secret, line: text.split('\n').find((l) => l.includes(secret)) }).toEqual({
        secret,
        line: undefined,
      });
  });
});
