import { join } from 'node:path';
import { UserEntity } from '@app/domain';
import { UserRepository } from '@app/domain/repositories';
import { describeWithServers } from '../harness/binaries';
import { databaseApp } from '../harness/database-app';
import { ReplicatedMariaDb } from '../harness/mariadb';
import { removeDir, tempDir } from '../harness/process';
import { captureSql } from '../harness/sql-capture';

jest.setTimeout(60_000);

type App = Awaited<ReturnType<typeof databaseApp>>;

/**
 * The admin user search on a driver: the kinds of term the admin API documents (part of a
 * nickname, part of an email, an exact Kakao id), answered from the grams the repository keeps.
 */
function searchesUsers(start: () => Promise<App>, stop: () => Promise<void>): void {
  let app: App;
  let users: UserRepository;
  const byKakao = (kakaoId: string, nickname: string, email?: string) =>
    users.upsertFromKakao({ kakaoId, nickname, email, profileImageUrl: undefined } as never);
  const names = async (search: string, limit = 20) =>
    (await users.list({ search, limit })).map((u) => u.nickname);

  beforeAll(async () => {
    app = await start();
    await app.dataSource.runMigrations({ transaction: 'each' });
    users = new UserRepository(app.router);
    await byKakao('4100000001', '김민준', 'minjun.kim92@naver.com');
    await byKakao('4100000002', '이서연', 'SeoYeon_Lee@Gmail.com');
    await byKakao('4100000003', '민준아빠', null as never);
    await users.findOrCreateLocal('박지우');
    await byKakao('4100000005', '최민서', 'jiwoo4821@daum.net');
  });
  afterAll(async () => {
    await app?.close();
    await stop();
  });

  it('finds part of a Korean nickname (two syllables, three or more), newest first', async () => {
    expect(await names('민준')).toEqual(['민준아빠', '김민준']);
    expect(await names('민준아')).toEqual(['민준아빠']);
    expect(await names('지우')).toEqual(['박지우']);
    expect(await names('김민준아')).toEqual([]);
  });

  it('finds part of an email in any case, an exact Kakao id, and one character', async () => {
    expect(await names('jiwoo48')).toEqual(['최민서']);
    expect(await names('seoyeon_lee@')).toEqual(['이서연']);
    expect(await names('GMAIL')).toEqual(['이서연']);
    expect(await names('4100000002')).toEqual(['이서연']);
    // digits of an email and a Kakao id at once
    expect(await names('4821')).toEqual(['최민서']);
    expect(await names('서')).toEqual(['최민서', '이서연']);
    expect(await names('민준_')).toEqual([]);
  });

  it('pages through the matches with the cursor', async () => {
    const first = await users.list({ search: '민', limit: 2 });
    const last = first[first.length - 1] as UserEntity;
    const rest = await users.list({ search: '민', limit: 2, after: last });
    expect([...first, ...rest].map((u) => u.nickname)).toEqual(['최민서', '민준아빠', '김민준']);
    const byGram = await users.list({ search: '민준', limit: 1 });
    expect(byGram.map((u) => u.nickname)).toEqual(['민준아빠']);
    const next = await users.list({ search: '민준', limit: 1, after: byGram[0] });
    expect(next.map((u) => u.nickname)).toEqual(['김민준']);
  });

  it('follows renames and leaves deleted accounts out', async () => {
    await byKakao('4100000001', '김도윤', 'doyun@naver.com');
    expect(await names('민준')).toEqual(['민준아빠']);
    expect(await names('도윤')).toEqual(['김도윤']);
    expect(await names('minjun')).toEqual([]);
    const gone = (await users.list({ search: '민준아빠', limit: 1 }))[0];
    await users.anonymise(gone.id);
    expect(await names('민준')).toEqual([]);
    expect(await names('deleted')).toEqual([]);
  });
}

describe('admin user search on SQLite (the embedded default)', () => {
  const dir = tempDir('user-search');
  let app: App;
  searchesUsers(
    async () =>
      (app = await databaseApp(
        { DB_SQLITE_PATH: join(dir, 'castad.sqlite'), DB_MIGRATE_ON_START: 'false' },
        'cli',
      )),
    async () => removeDir(dir),
  );

  // MariaDB's plans are checked at volume by data-volume.spec (the hot queries)
  it("seeks a gram's users in the key's order: no scan, no sort", async () => {
    const users = new UserRepository(app.router);
    const { statements } = await captureSql(app.dataSource, () =>
      users.list({ search: 'jiwoo48', limit: 20 }),
    );
    const plans: string[] = [];
    for (const s of statements)
      for (const step of await app.dataSource.query(`EXPLAIN QUERY PLAN ${s.sql}`, s.params))
        plans.push(step.detail);
    expect(plans).toContainEqual(expect.stringMatching(/^SEARCH g USING COVERING INDEX/));
    expect(plans.filter((p) => /^SCAN (u|g|user_search_grams)\b|TEMP B-TREE/.test(p))).toEqual([]);
  });
});

describeWithServers(['mariadbd', 'mariadb-install-db'], 'admin user search on MariaDB', () => {
  const cluster = new ReplicatedMariaDb(0);
  searchesUsers(
    async () => {
      await cluster.start();
      return databaseApp(cluster.env({ CASTAD_STAGE: '1', DB_MIGRATE_ON_START: 'false' }), 'cli');
    },
    () => cluster.destroy(),
  );
});
