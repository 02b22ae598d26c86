import { join } from 'node:path';
import { AppConfig, StorePhotoEntity } from '@app/domain';
import {
  BlobObjectRepository,
  BudgetHoldRepository,
  ContentRepository,
  StorePhotoRepository,
  StoreRepository,
  UsageRepository,
} from '@app/domain/repositories';
import { describeWithServers } from '../harness/binaries';
import { databaseApp } from '../harness/database-app';
import { ReplicatedMariaDb } from '../harness/mariadb';
import { removeDir, tempDir } from '../harness/process';
import { captureSql } from '../harness/sql-capture';
import { storeRow } from '../harness/store-row';

jest.setTimeout(60_000);

type App = Awaited<ReturnType<typeof databaseApp>>;

const clip = (n: number) => ({
  providerClipId: `clip-${n}`,
  blobKey: `projects/p/song-${n}.m4a`,
  durationSec: 30,
  lineTimings: [1, 2],
  beats: null,
  vocals: true,
  words: null,
  selected: n === 1,
});
const video = (key: string) => ({
  engine: 'ffmpeg',
  blobKey: key,
  thumbnailBlobKey: null,
  durationSec: 30,
  width: 1080,
  height: 1920,
});

/**
 * What the pipeline's steps write, on a driver: each write one statement where nothing is
 * replaced, and a step run twice (a crash before its transition was written) leaves the rows
 * of one run, not two.
 */
function writesContent(start: () => Promise<App>, stop: () => Promise<void>): void {
  let app: App;
  let content: ContentRepository;
  // what the statement counter counts: transaction control (BEGIN, COMMIT, …) is left out
  const statements = async (fn: () => Promise<unknown>) =>
    (await captureSql(app.dataSource, fn)).statements
      .map((s) => s.sql.trim().split(/\s/)[0])
      .filter((verb) => !/^(START|BEGIN|COMMIT|ROLLBACK|SET|SAVEPOINT|RELEASE)$/i.test(verb));

  beforeAll(async () => {
    app = await start();
    await app.dataSource.runMigrations({ transaction: 'each' });
    content = new ContentRepository(app.router);
  });
  afterAll(async () => {
    await app?.close();
    await stop();
  });

  it('numbers lyrics versions in one INSERT each, from 1', async () => {
    const draft = { title: '노래', sections: [{ name: 'verse', lines: ['한 줄'] }] };
    expect(
      await statements(() => content.addLyrics('p-lyrics', { ...draft, source: 'template' }, true)),
    ).toEqual(['INSERT']);
    const second = await content.addLyrics('p-lyrics', { ...draft, source: 'edited' }, false);
    await content.addLyrics('p-other', { ...draft, source: 'template' }, false);
    expect((await content.lyricsVersions('p-lyrics')).map((l) => [l.version, l.source])).toEqual([
      [1, 'template'],
      [2, 'edited'],
    ]);
    const read = await content.lyrics(second);
    expect(read).toMatchObject({ version: 2, title: '노래', approvedAt: null });
    expect(read?.sections).toEqual(draft.sections);
    expect((await content.approvedLyrics('p-lyrics'))?.version).toBe(1);
  });

  it('stores a first song generation in one INSERT, and once when its poll runs twice', async () => {
    expect(await statements(() => content.saveClips('p-song', 0, [clip(1), clip(2)]))).toEqual([
      'INSERT',
    ]);
    await content.saveClips('p-song', 0, [clip(1), clip(2)]);
    const rows = await content.clips('p-song');
    expect(rows.map((c) => [c.providerClipId, c.selected])).toEqual([
      ['clip-1', true],
      ['clip-2', false],
    ]);
    // JSON and boolean columns come back as written (the raw INSERT converts as TypeORM does)
    expect(rows[0]).toMatchObject({ lineTimings: [1, 2], beats: null, vocals: true, words: null });
    // a remake (the next generation) replaces them
    await content.saveClips('p-song', 1, [clip(3)]);
    expect((await content.clips('p-song')).map((c) => c.providerClipId)).toEqual(['clip-3']);
  });

  it('stores a first video in one INSERT, once when its poll runs twice; a remake replaces it', async () => {
    expect(await statements(() => content.saveVideo('p-video', 0, video('v.mp4')))).toEqual([
      'INSERT',
    ]);
    await content.saveVideo('p-video', 0, video('v.mp4'));
    expect((await content.videosOf(['p-video'])).map((v) => v.blobKey)).toEqual(['v.mp4']);
    await content.saveVideo('p-video', 1, video('v-1.mp4'));
    expect((await content.videosOf(['p-video'])).map((v) => v.blobKey)).toEqual(['v-1.mp4']);
  });

  it('reads a store with its photos, oldest first, in one query', async () => {
    const stores = new StoreRepository(app.router);
    await stores.insert(storeRow('store-photos', '가게'));
    expect((await stores.findWithPhotos('store-photos'))?.photos).toEqual([]);
    const photos = new StorePhotoRepository(app.router);
    for (const [id, at] of [
      ['b', '2026-12-01T00:00:02Z'],
      ['a', '2026-12-01T00:00:01Z'],
    ])
      await photos.addWithinCap(
        Object.assign(new StorePhotoEntity(), {
          id,
          storeId: 'store-photos',
          blobKey: `photos/${id}.jpg`,
          contentType: 'image/jpeg',
          width: 10,
          height: 10,
          bytes: 100,
          source: 'upload',
          slot: null,
          createdAt: new Date(at),
        }),
        20,
      );
    let found: Awaited<ReturnType<StoreRepository['findWithPhotos']>> = null;
    expect(
      await statements(async () => (found = await stores.findWithPhotos('store-photos'))),
    ).toEqual(['SELECT']);
    expect(found!.store.name).toBe('가게');
    expect(found!.store).not.toHaveProperty('photos');
    expect(found!.photos.map((p) => p.blobKey)).toEqual(['photos/a.jpg', 'photos/b.jpg']);
    // the photos' own columns, not the store's of the same name (id, created_at)
    expect(found!.photos[0]).toMatchObject({
      id: 'a',
      storeId: 'store-photos',
      width: 10,
      createdAt: new Date('2026-12-01T00:00:01Z'),
    });
    expect(found!.store.id).toBe('store-photos');
    expect(await stores.findWithPhotos('no-such-store')).toBeNull();
  });

  it('tracks copied files in one INSERT; a copy run again updates its row', async () => {
    const files = new BlobObjectRepository(app.router);
    const file = (bytes: number) => ({
      container: 'video',
      blobKey: 'projects/p-files/video.mp4',
      contentType: 'video/mp4',
      bytes,
      ownerUserId: null,
    });
    expect(await statements(() => files.trackAll([file(100)]))).toEqual(['INSERT']);
    await files.trackAll([file(250)]);
    expect(await files.find('video', 'projects/p-files/video.mp4')).toMatchObject({
      bytes: 250,
      tier: 'Hot',
      deleteRequestedAt: null,
    });
  });

  it("meters a paid call as sent in one INSERT; a resend under its key gets the key's row back", async () => {
    const usage = new UsageRepository(app.router, app.module.get(AppConfig));
    const price = Object.entries(app.module.get(AppConfig).prices)[0];
    const [provider, unit] = price[0].split(':');
    const call = {
      projectId: 'p-usage',
      userId: null,
      provider,
      operation: 'submit_song',
      unit,
      units: 2,
      idempotencyKey: 'p-usage:submit_song:1',
    };
    let first: Awaited<ReturnType<UsageRepository['sent']>> = null;
    expect(await statements(async () => (first = await usage.sent(call, true)))).toEqual([
      'INSERT',
    ]);
    expect(first!.written).toBe(true);
    expect(await usage.sent(call, true)).toEqual({ id: first!.id, written: false });
    // a call the provider does not dedupe is another paid call: a row of its own
    expect((await usage.sent(call, false))?.written).toBe(true);
    await usage.record({ ...call, idempotencyKey: null, units: 1 });
    const rows = await usage.forProject('p-usage');
    // sorted: the rows may share a millisecond
    expect(rows.map((r) => [r.status, r.units, r.costUsd]).sort()).toEqual([
      ['sent', 2, price[1] * 2],
      ['sent', 2, price[1] * 2],
      // no status given: the column's default
      ['settled', 1, price[1]],
    ]);
  });

  it("purges past days' budget holds and day rows, keeping the days asked to keep", async () => {
    const budgets = new BudgetHoldRepository(app.router);
    const at = (iso: string) => new Date(`${iso}T03:00:00Z`); // noon in Korea
    for (const [i, day] of ['2026-03-29', '2026-03-30', '2026-03-31'].entries())
      await budgets.hold({
        provider: 'creatomate',
        key: `k${i}`,
        amountUsd: 0.5,
        budgetUsd: 10,
        now: at(day),
      });
    // two past days: a hold and a day row each
    expect(await budgets.purgeBefore('2026-03-31')).toBe(4);
    expect((await budgets.standing('creatomate', at('2026-03-31'))).heldUsd).toBe(0.5);
    expect(await budgets.purgeBefore('2026-03-31')).toBe(0);
  });
}

describe('pipeline content writes on SQLite (the embedded default)', () => {
  const dir = tempDir('content-writes');
  writesContent(
    () =>
      databaseApp(
        { DB_SQLITE_PATH: join(dir, 'castad.sqlite'), DB_MIGRATE_ON_START: 'false' },
        'scheduler',
      ),
    async () => removeDir(dir),
  );
});

describeWithServers(
  ['mariadbd', 'mariadb-install-db'],
  'pipeline content writes on MariaDB',
  () => {
    const cluster = new ReplicatedMariaDb(0);
    writesContent(
      async () => {
        await cluster.start();
        return databaseApp(
          cluster.env({ CASTAD_STAGE: '1', DB_MIGRATE_ON_START: 'false' }),
          'scheduler',
        );
      },
      () => cluster.destroy(),
    );

    it("writes many projects' first lyrics at once, none waiting on another's lock", async () => {
      const app = await databaseApp(
        cluster.env({ CASTAD_STAGE: '1', DB_MIGRATE_ON_START: 'false' }),
        'scheduler',
      );
      try {
        const content = new ContentRepository(app.router);
        const status = async (): Promise<Record<string, number>> =>
          Object.fromEntries(
            (
              await app.dataSource.query(
                "SHOW GLOBAL STATUS WHERE Variable_name IN ('Innodb_row_lock_waits', 'Innodb_deadlocks')",
              )
            ).map((r: { Variable_name: string; Value: string }) => [
              r.Variable_name,
              Number(r.Value),
            ]),
          );
        const before = await status();
        // new projects whose first versions all go into one gap of the (project, version) index
        const draft = { title: '노래', sections: [{ name: 'verse', lines: ['한 줄'] }] };
        await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            content.addLyrics(
              `zz-${String(i).padStart(3, '0')}`,
              { ...draft, source: 'template' },
              true,
            ),
          ),
        );
        const after = await status();
        expect(after.Innodb_row_lock_waits - before.Innodb_row_lock_waits).toBe(0);
        expect(after.Innodb_deadlocks - before.Innodb_deadlocks).toBe(0);
        expect((await content.lyricsVersions('zz-039')).map((l) => l.version)).toEqual([1]);
      } finally {
        await app.close();
      }
    });
  },
);
