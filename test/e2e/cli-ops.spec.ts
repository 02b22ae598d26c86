import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { DataSource } from 'typeorm';
import { AzuriteServer } from '../harness/azurite';
import { ROOT } from '../harness/app-process';
import { startApi, TestApi } from '../harness/api-app';
import { removeDir, tempDir } from '../harness/process';

jest.setTimeout(120_000);

/** user:export and blob:tier, run as ops run them, on the embedded DB with Azurite for files. */
describe('ops commands: user export and blob tiering', () => {
  const dir = tempDir('cli-ops');
  const azurite = new AzuriteServer();
  let api: TestApi;
  let env: Record<string, string>;
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [join(ROOT, 'dist/apps/cli/src/main.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });

  beforeAll(async () => {
    await azurite.start();
    env = {
      DB_SQLITE_PATH: join(dir, 'ops.sqlite'),
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      AZURE_CONTAINER_PREFIX: 'ops',
    };
    api = await startApi(env);
  });
  afterAll(async () => {
    await api.close();
    await azurite.destroy();
    removeDir(dir);
  });

  it("exports one user's data (and no one else's, and no secrets)", async () => {
    const me = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '내보내기' } }))
      .body;
    const other = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '남' } }))
      .body;
    await api.request('POST', '/v1/stores', { token: me.accessToken, body: { name: '내 가게' } });
    await api.request('POST', '/v1/stores', {
      token: other.accessToken,
      body: { name: '남의 가게' },
    });
    const out = cli('user:export', me.user.id);
    expect(out.status).toBe(0);
    const data = JSON.parse(out.stdout);
    expect(data.user).toMatchObject({ id: me.user.id, nickname: '내보내기' });
    expect(data.stores.map((s: { name: string }) => s.name)).toEqual(['내 가게']);
    expect(out.stdout).not.toMatch(/token_hash|tokenHash|callbackToken|accessTokenEnc/);
    expect(cli('user:export', 'nobody').status).toBe(1);
  });

  it('moves files unaccessed for 30 days to Cool, in Azure and in the DB, and leaves fresh ones Hot', async () => {
    const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
    const container = service.getContainerClient('ops-video');
    await container.createIfNotExists();
    for (const name of ['old.mp4', 'new.mp4'])
      await container.getBlockBlobClient(name).uploadData(Buffer.from(name));
    const ds = api.app.get(DataSource);
    const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
    await ds.query(
      `INSERT INTO blob_objects (id, container, blob_key, content_type, bytes, tier, owner_user_id, last_accessed_at, delete_requested_at, created_at) VALUES
       ('b1', 'video', 'old.mp4', 'video/mp4', 7, 'Hot', NULL, '2020-01-01 00:00:00.000', NULL, ?), ('b2', 'video', 'new.mp4', 'video/mp4', 7, 'Hot', NULL, ?, NULL, ?)`,
      [now, now, now],
    );
    const dry = cli('blob:tier', '--dry-run', '--json');
    expect(JSON.parse(dry.stdout).map((r: { key: string }) => r.key)).toEqual(['old.mp4']);
    expect((await container.getBlobClient('old.mp4').getProperties()).accessTier).toBe('Hot');
    const real = cli('blob:tier', '--json');
    expect(real.status).toBe(0);
    expect((await container.getBlobClient('old.mp4').getProperties()).accessTier).toBe('Cool');
    expect((await container.getBlobClient('new.mp4').getProperties()).accessTier).toBe('Hot');
    expect(
      (await ds.query('SELECT blob_key, tier FROM blob_objects ORDER BY blob_key')).map(
        (r: { blob_key: string; tier: string }) => `${r.blob_key}:${r.tier}`,
      ),
    ).toEqual(['new.mp4:Hot', 'old.mp4:Cool']);
  });
});
