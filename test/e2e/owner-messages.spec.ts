import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startApi, startScheduler, TestApi } from '../harness/api-app';
import { waitFor } from '../harness/ports';
import { removeDir, tempDir } from '../harness/process';

jest.setTimeout(120_000);

/**
 * What an owner reads when a step fails: a short reason, never a server path or a tool's raw
 * output (seen: "ffmpeg exited 1: /…/data/blobs/photos/….jpg: No such file or directory").
 */
describe('owner-facing failure reasons', () => {
  const dir = tempDir('owner-msg');
  const env = {
    DB_SQLITE_PATH: join(dir, 'c.sqlite'),
    BLOB_LOCAL_ROOT: join(dir, 'blobs'),
    WORK_DIR: join(dir, 'work'),
    PIPELINE_POLL_MS: '100',
    PIPELINE_MAX_ATTEMPTS: '1',
  };
  let api: TestApi;
  let scheduler: Awaited<ReturnType<typeof startScheduler>>;
  beforeAll(async () => {
    api = await startApi(env);
    scheduler = await startScheduler(env);
  });
  afterAll(async () => {
    await scheduler?.close();
    await api?.close();
    removeDir(dir);
  });

  it('says the render failed, without the path of the missing photo or FFmpeg output', async () => {
    const token = (
      await api.request('POST', '/v1/auth/dev-login', { body: { nickname: '메시지' } })
    ).body.accessToken;
    const store = (
      await api.request('POST', '/v1/stores', { token, body: { name: '사라진 사진 가게' } })
    ).body;
    expect((await api.uploadPhoto(store.id, token, { color: '#258' })).status).toBe(201);
    // the photo's file goes missing behind the database's back
    rmSync(join(dir, 'blobs', 'photos'), { recursive: true, force: true });
    const project = (
      await api.request('POST', '/v1/projects', {
        token,
        body: { storeId: store.id, autopilot: true, lengthSec: 15 },
      })
    ).body;
    const failed = await waitFor(
      'the project to fail',
      async () => {
        const p = (await api.request('GET', `/v1/projects/${project.id}`, { token })).body;
        return p.state === 'FAILED' ? p : undefined;
      },
      90_000,
      200,
    );
    expect(failed.lastError).toBe('the render failed: a store photo could not be read');
    expect(failed.lastError).not.toContain(dir);
    expect(failed.lastError).not.toMatch(/No such file|\/blobs\/|\.jpg/);
  });
});
