import mysql from 'mysql2/promise';
import {
  AppConfig,
  AuthNonceRepository,
  IdempotencyRepository,
  ProjectRepository,
  ProjectState,
  PublicationRepository,
  ProviderHealthService,
  quotaWindow,
  RefreshTokenHousekeeping,
  UsageRepository,
} from '@app/domain';
import { describeWithServers } from '../harness/binaries';
import { databaseApp } from '../harness/database-app';
import { DataVolume, HEAVY_USER } from '../harness/data-volume';
import { hotQueries } from '../harness/hot-queries';
import { APP_DB, ReplicatedMariaDb } from '../harness/mariadb';
import { captureSql, CapturedStatement, explainable, tableAccesses } from '../harness/sql-capture';

jest.setTimeout(300_000);

/** Tens of thousands of projects: enough that a scan or a sort shows, filled in seconds. */
const SCALE = { users: 5_000, projects: 30_000, eventsPerProject: 10, days: 365, live: 600 };
const LOCK_WAIT_S = 1;

describeWithServers(
  ['mariadbd', 'mariadb-install-db'],
  'a year of data on a real MariaDB: plans and periodic jobs',
  () => {
    const cluster = new ReplicatedMariaDb(0);
    const data = new DataVolume(SCALE, new Date());
    let app: Awaited<ReturnType<typeof databaseApp>>;
    let raw: mysql.Connection;
    let generatedEvents = 0;

    beforeAll(async () => {
      await cluster.start();
      // a write held up by a lock fails after 1 s instead of the default 50
      await cluster.primary.query(`SET GLOBAL innodb_lock_wait_timeout = ${LOCK_WAIT_S}`);
      app = await databaseApp(
        cluster.env({ CASTAD_STAGE: '1', DB_MIGRATE_ON_START: 'false' }),
        'scheduler',
      );
      await app.dataSource.runMigrations({ transaction: 'each' });
      raw = await mysql.createConnection({
        host: '127.0.0.1',
        port: cluster.primary.port,
        user: APP_DB.user,
        password: APP_DB.password,
        database: APP_DB.database,
        timezone: 'Z',
      });
      await data.fill(raw);
      generatedEvents = Number(
        ((await raw.query('SELECT MAX(seq) AS n FROM project_events')) as any)[0][0].n,
      );
      const [tables] = (await raw.query('SHOW TABLES')) as any;
      for (const t of tables) await raw.query(`ANALYZE TABLE \`${Object.values(t)[0]}\``);
    });

    afterAll(async () => {
      await raw?.end();
      await app?.close();
      await cluster.destroy();
    });

    it('walks an index for every hot query: no full scan, no filesort of a table', async () => {
      const config = app.module.get(AppConfig);
      const problems: string[] = [];
      for (const q of hotQueries(app.router, config, data)) {
        const { statements } = await captureSql(app.dataSource, q.run);
        if (q.mutates) await data.restoreLeases(raw);
        const used = new Set<string>();
        for (const s of statements.filter(explainable)) {
          const [[row]] = (await raw.query(`EXPLAIN FORMAT=JSON ${s.sql}`, s.params)) as any;
          const plan = JSON.parse(Object.values(row)[0] as string);
          for (const a of tableAccesses(plan)) {
            if (a.key) used.add(a.key).add(`${a.table}.${a.key}`);
            if (a.accessType === 'ALL')
              problems.push(`${q.name}: full scan of ${a.table} in ${s.sql}`);
            if (a.sorted && !q.groups)
              problems.push(`${q.name}: ${a.table} sorted (${a.key}) in ${s.sql}`);
          }
        }
        for (const ix of q.indexes)
          if (!ix.split('|').some((i) => used.has(i)))
            problems.push(`${q.name}: ${ix} unused (used ${[...used].join(', ')})`);
      }
      expect(problems).toEqual([]);
    });

    it("names each provider's own last error (a FAILED project counts for the step it failed at)", async () => {
      const health = new ProviderHealthService(
        app.module.get(AppConfig),
        new ProjectRepository(app.router),
        new PublicationRepository(app.router),
        new UsageRepository(app.router, app.module.get(AppConfig)),
        { name: 'openai' } as never,
        { name: 'suno' } as never,
        { name: 'creatomate' } as never,
        { name: 'naver' } as never,
        { platforms: [] } as never,
      );
      const byArea = Object.fromEntries(
        (await health.report(data.anchor)).map((h) => [h.area, h.lastError]),
      );
      expect(byArea.lyrics).toMatch(/^openai: /);
      expect(byArea.song).toMatch(/^suno: /);
      expect(byArea.video).toMatch(/^creatomate: /);
    });

    describe('no periodic job locks rows it does not change', () => {
      const projects = () => new ProjectRepository(app.router);
      const jobs: [string, () => Promise<number>][] = [
        ['clear expired leases', () => projects().clearExpiredLeases(data.anchor)],
        [
          'cancel abandoned projects',
          () => projects().cancelAbandoned(new Date(data.anchor.getTime() - 30 * 86_400_000)),
        ],
        [
          'purge refresh tokens',
          () => new RefreshTokenHousekeeping(app.router).deleteExpired(data.anchor),
        ],
        [
          'purge login nonces',
          () => new AuthNonceRepository(app.router).deleteExpired(data.anchor),
        ],
        [
          'purge idempotency keys',
          () => new IdempotencyRepository(app.router).deleteExpired(data.anchor),
        ],
      ];

      /** Ordinary writes of the app, none on a row the jobs change. */
      const writesBeside = (): [string, () => Promise<unknown>][] => {
        const p = projects();
        // a live project that no job touches (no lease, not abandoned), and a finished one
        const live = data.firstLive + (8 - (data.firstLive % 8));
        return [
          [
            'a new project',
            () =>
              p.create(
                {
                  owner: { ownerUserId: data.store(1).ownerUserId, partnerId: null },
                  storeId: data.store(1).id,
                  autopilot: true,
                  options: {},
                },
                { day: quotaWindow(data.anchor).day, limit: 1_000_000 },
              ),
          ],
          [
            'an owner cancels a live project',
            async () => {
              const row = (await p.findById(data.projectId(live)))!;
              return p.transition(row.id, {
                from: row.state,
                to: 'CANCELLED',
                cause: 'cancel',
                patch: { nextRunAt: null },
              });
            },
          ],
          [
            'a finished project changes',
            () =>
              p
                .findById(data.projectId(2))
                .then((row) => p.updateIfState(row!.id, row!.state, { lastError: null })),
          ],
          [
            'the scheduler claims due work',
            () => p.claimDue('beside:1', ['STORE_READY'], 5, 30_000, data.anchor),
          ],
          [
            'a paid call is metered',
            () =>
              new UsageRepository(app.router, app.module.get(AppConfig)).record({
                projectId: data.projectId(3),
                userId: HEAVY_USER,
                provider: 'suno',
                operation: 'submit_song',
                unit: 'song',
                units: 1,
                idempotencyKey: null,
              }),
          ],
          [
            'a login nonce is used',
            () =>
              new AuthNonceRepository(app.router).useOnce(
                `beside-${Math.random()}`,
                new Date(data.anchor.getTime() + 600_000),
              ),
          ],
          [
            'an idempotency key is claimed',
            () =>
              new IdempotencyRepository(app.router).claim(
                `beside-${Math.random()}`.padEnd(64, '0'),
                'h'.repeat(64),
              ),
          ],
        ];
      };

      /**
       * Runs the job once to capture its statements, puts its rows back, then replays them on
       * a connection of its own up to (not including) the commit: the job's locks are held
       * while the app's ordinary writes run beside it.
       */
      async function holdJob(run: () => Promise<number>): Promise<{
        changed: number;
        release: () => Promise<void>;
        held: mysql.Connection;
      }> {
        const { result: changed, statements } = await captureSql(app.dataSource, run);
        await data.restoreMutable(raw, generatedEvents);
        const held = await mysql.createConnection({
          host: '127.0.0.1',
          port: cluster.primary.port,
          user: APP_DB.user,
          password: APP_DB.password,
          database: APP_DB.database,
          timezone: 'Z',
        });
        const body = statements.filter((s) => !/^\s*(COMMIT|ROLLBACK)\b/i.test(s.sql));
        if (!body.some((s) => /^\s*(START TRANSACTION|BEGIN)\b/i.test(s.sql)))
          body.unshift({ sql: 'START TRANSACTION', params: [] } as CapturedStatement);
        for (const s of body) await held.query(s.sql, s.params);
        return {
          changed,
          held,
          release: async () => {
            await held.query('ROLLBACK');
            await held.end();
          },
        };
      }

      it.each(jobs)('%s: writes beside it finish while it holds its locks', async (_, run) => {
        const job = await holdJob(run);
        try {
          expect(job.changed).toBeGreaterThan(0);
          const slow: string[] = [];
          for (const [what, write] of writesBeside()) {
            const started = Date.now();
            await write().catch((err: Error) => slow.push(`${what}: ${err.message}`));
            if (Date.now() - started >= LOCK_WAIT_S * 1000)
              slow.push(`${what}: ${Date.now() - started} ms`);
          }
          expect(slow).toEqual([]);
        } finally {
          await job.release();
          await data.restoreMutable(raw, generatedEvents);
        }
      });

      it("the due-work claim locks only the rows it reads: an owner's cancel of another due project goes through", async () => {
        const states: ProjectState[] = ['DRAFT', 'VIDEO_SUBMITTED'];
        let claimed: string[] = [];
        const job = await holdJob(async () => {
          claimed = (await projects().claimDue('held:1', states, 2, 30_000, data.anchor)).map(
            (c) => c.id,
          );
          return claimed.length;
        });
        try {
          expect(job.changed).toBe(2);
          // due in the same states, past the rows the claim read: it reads the oldest `limit`
          // of each state (and claims the oldest `limit` of those), then stops
          const [due] = (await raw.query(
            'SELECT id, state FROM projects WHERE state IN (?) AND next_run_at <= ? AND lease_until IS NULL ORDER BY next_run_at',
            [states, data.anchor],
          )) as any;
          const others = states.flatMap((st) =>
            (due as { id: string; state: string }[]).filter((r) => r.state === st).slice(2),
          );
          expect(others.length).toBeGreaterThan(2);
          for (const other of others.slice(0, 3)) {
            const started = Date.now();
            await expect(
              projects().transition(other.id, {
                from: other.state as ProjectState,
                to: 'CANCELLED',
                cause: 'cancel',
                patch: { nextRunAt: null },
              }),
            ).resolves.toBe(true);
            expect(Date.now() - started).toBeLessThan(LOCK_WAIT_S * 1000);
          }
        } finally {
          await job.release();
          await data.restoreMutable(raw, generatedEvents);
        }
      });

      it('would catch a job that locks what it does not change (the scan it replaced)', async () => {
        // the old lease clearing: no index on lease_until, REPEATABLE READ
        const held = await mysql.createConnection({
          host: '127.0.0.1',
          port: cluster.primary.port,
          user: APP_DB.user,
          password: APP_DB.password,
          database: APP_DB.database,
          timezone: 'Z',
        });
        try {
          await held.query('START TRANSACTION');
          await held.query(
            'UPDATE projects IGNORE INDEX (ix_projects_lease_until) SET lease_owner = NULL, lease_until = NULL WHERE lease_until < ?',
            [data.anchor],
          );
          const write = writesBeside().find(([w]) => w === 'a finished project changes')![1];
          await expect(write()).rejects.toThrow(/Lock wait timeout/);
        } finally {
          await held.query('ROLLBACK');
          await held.end();
          await data.restoreMutable(raw, generatedEvents);
        }
      });
    });
  },
);
