import { join } from 'node:path';
import { startApi } from '../harness/api-app';
import { removeDir, tempDir } from '../harness/process';

describe('cursor pagination', () => {
  const dir = tempDir('pages');
  afterAll(() => removeDir(dir));

  it('walks every store once, newest first, page by page, and refuses a forged cursor', async () => {
    const api = await startApi({ DB_SQLITE_PATH: join(dir, 'p.sqlite') });
    try {
      const token = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: 'p' } }))
        .body.accessToken;
      const made: string[] = [];
      for (let i = 0; i < 5; i++)
        made.push(
          (await api.request('POST', '/v1/stores', { token, body: { name: `가게 ${i}` } })).body.id,
        );
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: { body: { items: { id: string }[]; nextCursor: string | null } } =
          await api.request('GET', `/v1/stores?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
            token,
          });
        seen.push(...res.body.items.map((s) => s.id));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(seen).toEqual([...made].reverse());
      expect(pages).toBe(3);
      const bad = await api.request('GET', '/v1/stores?cursor=not-ours', { token });
      expect(bad.status).toBe(400);
      expect(bad.body.message).toMatch(/cursor/);
    } finally {
      await api.close();
    }
  });

  it('walks every project once, newest first, each as GET one answers it', async () => {
    const api = await startApi({ DB_SQLITE_PATH: join(dir, 'projects.sqlite') });
    try {
      const token = (await api.request('POST', '/v1/auth/dev-login', { body: { nickname: 'q' } }))
        .body.accessToken;
      const store = (await api.request('POST', '/v1/stores', { token, body: { name: '가게' } }))
        .body.id;
      const made: string[] = [];
      for (let i = 0; i < 3; i++)
        made.push(
          (
            await api.request('POST', '/v1/projects', {
              token,
              body: { storeId: store, keywords: [`단어 ${i}`] },
            })
          ).body.id,
        );
      const seen: Record<string, unknown>[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: { body: { items: Record<string, unknown>[]; nextCursor: string | null } } =
          await api.request('GET', `/v1/projects?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
            token,
          });
        seen.push(...res.body.items);
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(seen.map((p) => p.id)).toEqual([...made].reverse());
      expect(pages).toBe(2);
      // the list reads fewer columns than GET one (ProjectListing): the answer is the same
      for (const item of seen)
        expect(item).toEqual((await api.request('GET', `/v1/projects/${item.id}`, { token })).body);
    } finally {
      await api.close();
    }
  });
});
