import mysql from 'mysql2/promise';
import { AppConfig, ProjectState, ProviderHealthService, quotaWindow } from '@app/domain';
import {
  AuthNonceRepository,
  IdempotencyRepository,
  PipelineHealthRepository,
  ProjectEventRepository,
  ProjectHousekeepingRepository,
  DailyQuotaRepository,
  ProjectRepository,
  PublicationRepository,
  RefreshTokenHousekeeping,
  UsageRepository,
  UserRepository,
} from '@app/domain/repositories';
import { describeWithServers } from '../harness/binaries';
import { databaseApp } from '../harness/database-app';
import { DataVolume, emailLocalPartOf, HEAVY_USER } from '../harness/data-volume';
import { hotQueries } from '../harness/hot-queries';
import { ReplicatedMariaDb } from '../harness/mariadb';
import { captureSql, explainable, tableAccesses } from '../harness/sql-capture';

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
      raw = await cluster.primary.appConnection();
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

    it("finds users by part of a nickname and by an old account's email (the grams were filled)", async () => {
      const users = new UserRepository(app.router);
      expect((await users.list({ search: '민준', limit: 20 })).length).toBeGreaterThan(0);
      const [old] = await users.list({ search: emailLocalPartOf(103), limit: 20 });
      expect(old?.id).toBe(data.userId(103));
    });

    it("names each provider's own last error (a FAILED project counts for the step it failed at)", async () => {
      const health = new ProviderHealthService(
        app.module.get(AppConfig),
        new PipelineHealthRepository(app.router),
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
      const projects = () =>
        new ProjectRepository(app.router, new ProjectEventRepository(app.router));
      const jobs: [string, () => Promise<number>][] = [
        ['clear expired leases', () => projects().clearExpiredLeases(data.anchor)],
        [
          'cancel abandoned projects',
          () =>
            new ProjectHousekeepingRepository(app.router, projects()).cancelAbandoned(
              new Date(data.anchor.getTime() - 30 * 86_400_000),
            ),
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
              new DailyQuotaRepository(
                app.router,
                new ProjectEventRepository(app.router),
              ).createWithinQuota(
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
              new IdempotencyRepository(app.router).claim({
                id: `beside-${Math.random()}`.padEnd(64, '0'),
                caller: `user:beside-${Math.random()}`,
                requestHash: 'h'.repeat(64),
                limit: 1000,
                holder: 'beside',
              }),
          ],
        ];
      };

      /**
       * Holds a transaction open on a connection of its own (what `hold` started and did in
       * it: a job's statements up to, not including, the commit), runs `beside` meanwhile,
       * then rolls back and puts the generated rows back.
       */
      async function whileHeld(
        hold: (held: mysql.Connection) => Promise<unknown>,
        beside: () => Promise<void>,
      ): Promise<void> {
        const held = await cluster.primary.appConnection();
        try {
          await hold(held);
          await beside();
        } finally {
          await held.query('ROLLBACK');
          await held.end();
          await data.restoreMutable(raw, generatedEvents);
        }
      }

      /** Runs a job once to capture its statements (its rows go back): what to hold. */
      async function captured(run: () => Promise<number>): Promise<{
        changed: number;
        replay: (held: mysql.Connection) => Promise<void>;
      }> {
        const { result: changed, statements } = await captureSql(app.dataSource, run);
        await data.restoreMutable(raw, generatedEvents);
        // its own transaction control stays (an isolation level is set before it starts)
        const body = statements.filter((s) => !/^\s*(COMMIT|ROLLBACK)\b/i.test(s.sql));
        if (!body.some((s) => /^\s*(START TRANSACTION|BEGIN)\b/i.test(s.sql)))
          body.unshift({ sql: 'START TRANSACTION', params: [] });
        return {
          changed,
          replay: async (held) => {
            for (const s of body) await held.query(s.sql, s.params);
          },
        };
      }

      /** The writes that failed or waited out the lock timeout, each with why. */
      async function heldUp(writes: [string, () => Promise<unknown>][]): Promise<string[]> {
        const slow: string[] = [];
        for (const [what, write] of writes) {
          const started = Date.now();
          const failed = await write().then(
            () => null,
            (err: Error) => err.message,
          );
          const ms = Date.now() - started;
          if (failed) slow.push(`${what}: ${failed}`);
          else if (ms >= LOCK_WAIT_S * 1000) slow.push(`${what}: ${ms} ms`);
        }
        return slow;
      }

      it.each(jobs)('%s: writes beside it finish while it holds its locks', async (_, run) => {
        const job = await captured(run);
        expect(job.changed).toBeGreaterThan(0);
        await whileHeld(job.replay, async () => expect(await heldUp(writesBeside())).toEqual([]));
      });

      it("the due-work claim locks only the rows it reads: an owner's cancel of another due project goes through", async () => {
        const states: ProjectState[] = ['DRAFT', 'VIDEO_SUBMITTED'];
        const job = await captured(
          async () => (await projects().claimDue('held:1', states, 2, 30_000, data.anchor)).length,
        );
        expect(job.changed).toBe(2);
        await whileHeld(job.replay, async () => {
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
          const cancels = others.slice(0, 3).map((other): [string, () => Promise<unknown>] => [
            `cancel ${other.state} ${other.id}`,
            async () => {
              const cancelled = await projects().transition(other.id, {
                from: other.state as ProjectState,
                to: 'CANCELLED',
                cause: 'cancel',
                patch: { nextRunAt: null },
              });
              if (!cancelled) throw new Error('not cancelled');
            },
          ]);
          expect(await heldUp(cancels)).toEqual([]);
        });
      });

      it('would catch a job that locks what it does not change (the scan it replaced)', async () => {
        // the old lease clearing: no index on lease_until, REPEATABLE READ
        const oldLeaseClearing = async (held: mysql.Connection) => {
          await held.query('START TRANSACTION');
          await held.query(
            'UPDATE projects IGNORE INDEX (ix_projects_lease_until) SET lease_owner = NULL, lease_until = NULL WHERE lease_until < ?',
            [data.anchor],
          );
        };
        const write = writesBeside().filter(([w]) => w === 'a finished project changes');
        await whileHeld(oldLeaseClearing, async () =>
          expect(await heldUp(write)).toEqual([expect.stringMatching(/Lock wait timeout/)]),
        );
      });
    });
  },
);
