import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../harness/app-process';
import { startApi, TestApi } from '../harness/api-app';
import { removeDir, tempDir } from '../harness/process';
import { waitFor } from '../harness/ports';
import { LOCAL_STATUS_TTL_MS } from '@app/domain';

// every CLI call starts a process (about 1.5 s): more than Jest's default 5 s per test
jest.setTimeout(60_000);

/** The CLI (compiled, as ops run it) and the API share one database. */
describe('ops commands for accounts and partner keys', () => {
  const dir = tempDir('cli-accounts');
  const db = join(dir, 'cli.sqlite');
  let api: TestApi;
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'dist/apps/cli/src/main.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, DB_SQLITE_PATH: db },
      encoding: 'utf8',
    });

  beforeAll(async () => {
    api = await startApi({ DB_SQLITE_PATH: db });
  });
  afterAll(async () => {
    await api.close();
    removeDir(dir);
  });

  it('issues a key shown once, lists keys without it, and a revoked key stops working at once', async () => {
    expect(cli('partner:create', 'Busan Agency').status).toBe(0);
    const issued = cli(
      'key:issue',
      'Busan Agency',
      '--scopes',
      'stores:read,stores:write',
      '--label',
      'prod',
      '--json',
    );
    expect(issued.status).toBe(0);
    const [{ key, prefix }] = JSON.parse(issued.stdout);
    expect(key).toMatch(/^cak_/);
    expect((await api.request('GET', '/v1/stores', { apiKey: key })).status).toBe(200);

    const listed = cli('key:list', '--json');
    expect(listed.stdout).not.toContain(key);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({
        partner: 'Busan Agency',
        prefix,
        scopes: 'stores:read,stores:write',
        label: 'prod',
        revokedAt: null,
      }),
    ]);

    expect(cli('key:revoke', prefix).status).toBe(0);
    expect((await api.request('GET', '/v1/stores', { apiKey: key })).status).toBe(401);
    expect(JSON.parse(cli('key:list', '--json').stdout)[0].revokedAt).not.toBeNull();
  });

  it('refuses bad input with a message and a non-zero exit', () => {
    const bad = cli('key:issue', 'Busan Agency', '--scopes', 'everything');
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/scopes must be some of/);
    expect(cli('key:issue', 'Nobody Inc', '--scopes', 'stores:read').stderr).toMatch(/no partner/);
    expect(cli('partner:create', 'Busan Agency').stderr).toMatch(/already exists/);
  });

  it('grants and revokes the admin role, which the next login carries', async () => {
    const s = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '운영자' } }))
      .body;
    expect((await api.request('GET', '/v1/admin/users', { token: s.accessToken })).status).toBe(
      403,
    );
    expect(cli('admin:grant', s.user.id).status).toBe(0);
    const promoted = (
      await api.request('POST', '/v1/auth/refresh', { body: { refreshToken: s.refreshToken } })
    ).body;
    // the CLI is another process: without Redis the API sees the change within LOCAL_STATUS_TTL_MS
    const list = await waitFor(
      'the grant to apply',
      async () => {
        const res = await api.request('GET', '/v1/admin/users?search=운영', {
          token: promoted.accessToken,
        });
        return res.status === 200 ? res : undefined;
      },
      LOCAL_STATUS_TTL_MS + 1000,
      100,
    );
    expect(list.body.items.map((u: { id: string }) => u.id)).toContain(s.user.id);
    expect(cli('admin:revoke', s.user.id).status).toBe(0);
    const demoted = (
      await api.request('POST', '/v1/auth/refresh', {
        body: { refreshToken: promoted.refreshToken },
      })
    ).body;
    await waitFor(
      'the revoke to apply',
      async () =>
        (await api.request('GET', '/v1/admin/users', { token: demoted.accessToken })).status ===
          403 || undefined,
      LOCAL_STATUS_TTL_MS + 1000,
      100,
    );
    expect(cli('admin:grant', 'no-such-user').status).toBe(1);
  });

  it('blocks and unblocks a user from the CLI: the running API refuses their token within seconds', async () => {
    const s = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '차단' } }))
      .body;
    expect((await api.request('GET', '/v1/me', { token: s.accessToken })).status).toBe(200);
    const blocked = cli('user:block', s.user.id, '--json');
    expect(blocked.status).toBe(0);
    expect(JSON.parse(blocked.stdout)[0].blockedAt).toEqual(expect.any(String));
    // another process (the CLI) made the change: without Redis the API sees it within LOCAL_STATUS_TTL_MS
    await waitFor(
      'the block to apply',
      async () =>
        (await api.request('GET', '/v1/me', { token: s.accessToken })).status === 401 || undefined,
      LOCAL_STATUS_TTL_MS + 1000,
      100,
    );
    expect(cli('user:unblock', s.user.id).status).toBe(0);
    // the block ended the user's logins; once unblocked they sign in again
    await waitFor(
      'the unblock to apply',
      async () => {
        const again = await api.request('POST', '/v1/auth/dev-login', {
          body: { nickname: '차단' },
        });
        return (
          (again.status === 200 &&
            (await api.request('GET', '/v1/me', { token: again.body.accessToken })).status ===
              200) ||
          undefined
        );
      },
      LOCAL_STATUS_TTL_MS + 1000,
      100,
    );
    expect((await api.request('GET', '/v1/me', { token: s.accessToken })).status).toBe(401);
    expect(cli('user:block', 'nobody').stderr).toMatch(/no user/);
  });
});
