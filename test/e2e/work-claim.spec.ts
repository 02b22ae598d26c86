import { join } from 'node:path';
import { ProjectEntity } from '@app/domain';
import {
  DailyQuotaRepository,
  ProjectEventRepository,
  ProjectRepository,
  StoreRepository,
} from '@app/domain/repositories';
import { databaseApp } from '../harness/database-app';
import { removeDir, tempDir } from '../harness/process';
import { storeRow } from '../harness/store-row';

describe('a tick’s claim on SQLite (the embedded default)', () => {
  const dir = tempDir('claim');
  afterAll(() => removeDir(dir));

  it('claims each group up to its own limit, oldest due first, and returns the rows whole under the lease', async () => {
    const app = await databaseApp({ DB_SQLITE_PATH: join(dir, 'castad.sqlite') }, 'scheduler');
    try {
      await app.dataSource.runMigrations({ transaction: 'each' });
      const events = new ProjectEventRepository(app.router);
      const projects = new ProjectRepository(app.router, events);
      const quota = new DailyQuotaRepository(app.router, events);
      const owner = { ownerUserId: null, partnerId: 'partner-1' };
      await new StoreRepository(app.router).insert(storeRow('store-1', 'store', owner));
      const made: ProjectEntity[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await quota.createWithinQuota(
          { owner, storeId: 'store-1', autopilot: true, options: { mood: `m${i}` } },
          { day: '2026-12-03', limit: 100 },
        );
        if (r.kind !== 'created') throw new Error(`project not created: ${r.kind}`);
        made.push(r.project);
      }
      // three drafts and three awaiting a song, due a second apart (the last of each oldest)
      const base = Date.now() - 60_000;
      for (const [i, p] of made.entries())
        await app.dataSource.query('UPDATE projects SET state = ?, next_run_at = ? WHERE id = ?', [
          i < 3 ? 'DRAFT' : 'LYRICS_READY',
          new Date(base - i * 1000).toISOString().replace('T', ' ').replace('Z', ''),
          p.id,
        ]);
      const claimed = await projects.claimGroups(
        'sched:1',
        [
          { states: ['DRAFT'], limit: 2 },
          { states: ['LYRICS_READY', 'SONG_SUBMITTED'], limit: 1 },
        ],
        30_000,
      );
      expect(claimed.map((p) => p.id).sort()).toEqual([made[1].id, made[2].id, made[5].id].sort());
      for (const p of claimed) {
        expect(p.leaseOwner).toBe('sched:1');
        expect(p.leaseUntil!.getTime()).toBeGreaterThan(Date.now());
        expect(p.options).toEqual(made.find((m) => m.id === p.id)!.options);
        expect(p.autopilot).toBe(true);
        expect(p.createdAt).toBeInstanceOf(Date);
      }
      // claimed rows are leased: the next claim gets only what is left
      const rest = await projects.claimGroups(
        'sched:2',
        [
          { states: ['DRAFT'], limit: 5 },
          { states: ['LYRICS_READY'], limit: 5 },
        ],
        30_000,
      );
      expect(rest.map((p) => p.id).sort()).toEqual([made[0].id, made[3].id, made[4].id].sort());
    } finally {
      await app.close();
    }
  });
});
