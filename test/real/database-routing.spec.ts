import { randomUUID } from 'node:crypto';
import {
  AppConfig,
  CreateProject,
  DatabaseContext,
  DatabaseRouter,
  ProjectEntity,
  ProjectEventEntity,
  PROJECT_LISTING_COLUMNS,
  ProjectState,
  QuotaExceededError,
  StoreEntity,
  TransitionCause,
  UserEntity,
} from '@app/domain';
import {
  DailyQuotaRepository,
  ProjectEventRepository,
  ProjectRepository,
} from '@app/domain/repositories';
import { describeWithServers } from '../harness/binaries';
import { captureSql } from '../harness/sql-capture';
import { databaseApp } from '../harness/database-app';
import { APP_DB, ReplicatedMariaDb } from '../harness/mariadb';
import { waitFor } from '../harness/ports';

jest.setTimeout(180_000);

const userRow = (id: string, nickname: string) =>
  `INSERT INTO ${APP_DB.database}.users (id, nickname, role, created_at, updated_at) VALUES ('${id}', '${nickname}', 'user', NOW(3), NOW(3))`;

describeWithServers(
  ['mariadbd', 'mariadb-install-db'],
  'database routing on a real MariaDB primary + replica',
  () => {
    const cluster = new ReplicatedMariaDb(1);
    let app: Awaited<ReturnType<typeof databaseApp>>;
    let router: DatabaseRouter;
    const replicaOnlyId = randomUUID();

    const findUser = (id: string) => (em: import('typeorm').EntityManager) =>
      em.findOne(UserEntity, { where: { id } });
    /** a request to a view that tolerates lag (what @LagTolerant() opens in the API) */
    const inView = <T>(fn: () => Promise<T>): Promise<T> =>
      DatabaseContext.run(() => {
        DatabaseContext.allowLag();
        return fn();
      });

    beforeAll(async () => {
      await cluster.start();
      app = await databaseApp(
        cluster.env({
          DB_MIGRATE_ON_START: 'true',
          DB_NODE_RESTORE_MS: '500',
          DB_POOL_MAX: '6',
          DB_POOL_IDLE: '3',
        }),
      );
      router = app.router;
      await cluster.waitForReplicas();
      // a row written on the replica only (root bypasses read_only; nothing replicates back):
      // whoever sees it was served by the replica
      await cluster.replicas[0].query(userRow(replicaOnlyId, 'only-on-replica'));
    });

    afterAll(async () => {
      await app?.close();
      await cluster.destroy();
    });

    it('sends a write to the primary', async () => {
      const id = randomUUID();
      const primaryBefore = await cluster.primary.globalStatus('Com_insert');
      await router.write((em) => em.insert(UserEntity, { id, nickname: 'writer', role: 'user' }));
      const onPrimary = await cluster.primary.query<unknown[]>(
        `SELECT id FROM ${APP_DB.database}.users WHERE id = ?`,
        [id],
      );
      expect(onPrimary).toHaveLength(1);
      expect(await cluster.primary.globalStatus('Com_insert')).toBe(primaryBefore + 1);
      // the replica refuses client writes (read_only), so the write cannot have gone there;
      // it arrives by replication
      const [{ ro }] = await cluster.replicas[0].query<{ ro: number }[]>(
        'SELECT @@GLOBAL.read_only AS ro',
      );
      expect(ro).toBe(1);
      await cluster.waitForReplicas();
      expect(
        await cluster.replicas[0].query<unknown[]>(
          `SELECT id FROM ${APP_DB.database}.users WHERE id = ?`,
          [id],
        ),
      ).toHaveLength(1);
    });

    it('serves a view that tolerates lag from the replica', async () => {
      const selectsBefore = await cluster.replicas[0].globalStatus('Com_select');
      const row = await inView(() => router.read(findUser(replicaOnlyId)));
      expect(row?.nickname).toBe('only-on-replica');
      expect(await cluster.replicas[0].globalStatus('Com_select')).toBeGreaterThan(selectsBefore);
    });

    it('reads the primary in actions, outside a request, and after a view wrote (read-your-writes)', async () => {
      const id = randomUUID();
      await inView(async () => {
        expect(await router.read(findUser(replicaOnlyId))).not.toBeNull(); // replica, before writing
        await router.write((em) => em.insert(UserEntity, { id, nickname: 'fresh', role: 'user' }));
        // same request: the primary answers, so the fresh row is there and the replica-only row is not
        expect((await router.read(findUser(id)))?.nickname).toBe('fresh');
        expect(await router.read(findUser(replicaOnlyId))).toBeNull();
      });
      // another view that did not write goes back to the replica
      expect(await inView(() => router.read(findUser(replicaOnlyId)))).not.toBeNull();
      // an action (a request that did not opt in) and the scheduler read the primary
      expect(await DatabaseContext.run(() => router.read(findUser(replicaOnlyId)))).toBeNull();
      expect(await router.read(findUser(replicaOnlyId))).toBeNull();
    });

    it("reads a project by raw SQL (by id and in its owner's list) as TypeORM hydrates it", async () => {
      const owner = randomUUID();
      const storeId = randomUUID();
      const at = new Date('2026-11-02T03:04:05.678Z');
      const project = {
        id: randomUUID(),
        ownerUserId: owner,
        partnerId: null,
        storeId,
        state: 'SONG_READY' as const,
        step: 'submit_song' as const,
        stepAttempts: 2,
        retries: 1,
        autopilot: true,
        options: { mood: 'calm', keywords: ['국밥', 'x'], lengthSec: 30 },
        nextRunAt: at,
        leaseOwner: 'worker-1',
        leaseUntil: new Date(at.getTime() + 1),
        lastError: 'oops',
        waitReason: null,
        lastProviderError: null,
        stepStartedAt: at,
        pendingSubmissionKey: null,
        pendingSubmissionAt: null,
        songTaskId: 'task',
        videoTaskId: null,
        callbackToken: 'cb',
        quotaDay: '2026-01-02',
        quotaSlot: 3,
        rerendering: false,
        reportPercent: 41,
        createdAt: at,
        updatedAt: at,
      };
      await router.write(async (em) => {
        await em.insert(UserEntity, { id: owner, nickname: 'raw', role: 'user' });
        await em.insert(StoreEntity, {
          id: storeId,
          ownerUserId: owner,
          name: 's',
          source: 'manual',
        });
        await em.insert(ProjectEntity, structuredClone(project)); // insert rewrites what it is given
      });
      const byTypeOrm = await router.read((em) =>
        em.findOne(ProjectEntity, { where: { id: project.id } }),
      );
      expect({ ...byTypeOrm }).toEqual(project);
      const projects = new ProjectRepository(router, new ProjectEventRepository(router));
      const ownedBy = { ownerUserId: owner, partnerId: null };
      expect({ ...(await projects.findOwned(project.id, ownedBy)) }).toEqual(project);
      expect(
        await projects.findOwned(project.id, { ownerUserId: randomUUID(), partnerId: null }),
      ).toBeNull();
      // a list reads the columns a listed project shows (ProjectListing), converted the same way
      const listed = Object.fromEntries(PROJECT_LISTING_COLUMNS.map((c) => [c, project[c]]));
      const page = await projects.listOwned(ownedBy, { limit: 20, states: ['SONG_READY'] });
      expect(page.map((p) => ({ ...p }))).toEqual([listed]);
      const firstPage = await projects.listOwned(ownedBy, { limit: 20 });
      expect(firstPage.map((p) => ({ ...p }))).toEqual([listed]);
      expect(
        await projects.listOwned(ownedBy, { limit: 20, after: { createdAt: at, id: project.id } }),
      ).toEqual([]);
    });

    it('keeps the render’s newest report of this run on the project row, cleared by a new run', async () => {
      // the project the test above wrote, rendering, its row holding a report of 41 %
      const project = (await router.read((em) =>
        em.findOne(ProjectEntity, { where: { callbackToken: 'cb', leaseOwner: 'worker-1' } }),
      ))!;
      const events = new ProjectEventRepository(router);
      const projects = new ProjectRepository(router, events);
      const percentOf = async () => (await projects.findById(project.id))!.reportPercent;
      const move = (from: ProjectState, to: ProjectState, cause: TransitionCause) =>
        projects.transition(project.id, { from, to, cause });
      const report = { state: 'SONG_READY' as const, step: 'submit_video', percent: 64 };
      // written with the report, under the step's lease only
      expect(await events.recordProgress(project.id, 'someone-else', report)).toBe(false);
      expect(await percentOf()).toBe(41);
      expect(await events.recordProgress(project.id, 'worker-1', report)).toBe(true);
      expect(await percentOf()).toBe(64);
      // the render's submission moves it on within the run; a re-render starts a new one
      expect(await move('SONG_READY', 'VIDEO_SUBMITTED', 'submit_video')).toBe(true);
      expect(await percentOf()).toBe(64);
      expect(await move('VIDEO_SUBMITTED', 'DONE', 'poll_video')).toBe(true);
      expect(await move('DONE', 'SONG_READY', 'remake_video')).toBe(true);
      expect(await percentOf()).toBeNull();
    });

    it('serves reads from the primary while the replica is down, and returns to the replica after', async () => {
      const replica = cluster.replicas[0];
      await replica.stop();
      const results = await Promise.allSettled(
        Array.from({ length: 40 }, () => inView(() => router.read((em) => em.count(UserEntity)))),
      );
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      // sequential reads after detection: none fails, all answered by the primary
      for (let i = 0; i < 20; i++) {
        expect(await inView(() => router.read(findUser(replicaOnlyId)))).toBeNull();
      }
      await replica.start();
      await waitFor(
        'reads to return to the replica',
        async () => (await inView(() => router.read(findUser(replicaOnlyId)))) !== null,
        30_000,
        200,
      );
    });

    it('writes again after a primary restart without restarting the app', async () => {
      await cluster.primary.restart();
      const id = randomUUID();
      await waitFor(
        'a write to succeed after the restart',
        async () => {
          await router.write((em) =>
            em.insert(UserEntity, { id: randomUUID(), nickname: 'probe', role: 'user' }),
          );
          return true;
        },
        30_000,
        200,
      );
      // once back, every write succeeds
      for (let i = 0; i < 10; i++) {
        await router.write((em) =>
          em.insert(UserEntity, {
            id: i === 0 ? id : randomUUID(),
            nickname: `after-${i}`,
            role: 'user',
          }),
        );
      }
      expect((await router.read(findUser(id)))?.nickname).toBe('after-0');
    });

    it('does not surface a server-side KILL of pooled connections on the next idempotent read', async () => {
      // warm both pools so there are idle connections to kill
      await Promise.all(
        Array.from({ length: 6 }, () => router.read((em) => em.query('SELECT SLEEP(0.05)'))),
      );
      await Promise.all(
        Array.from({ length: 6 }, () =>
          inView(() => router.read((em) => em.query('SELECT SLEEP(0.05)'))),
        ),
      );
      const killed =
        (await cluster.primary.killAppConnections()) +
        (await cluster.replicas[0].killAppConnections());
      expect(killed).toBeGreaterThan(0);
      for (let i = 0; i < 10; i++) {
        expect(await router.read((em) => em.count(UserEntity))).toBeGreaterThan(0);
        expect(await inView(() => router.read((em) => em.count(UserEntity)))).toBeGreaterThan(0);
      }
    });

    it("holds an owner's daily project limit under concurrent creates, and checks the store", async () => {
      const userId = randomUUID();
      const storeId = randomUUID();
      await cluster.primary.query(userRow(userId, 'quota'));
      await cluster.primary.query(
        `INSERT INTO ${APP_DB.database}.stores (id, owner_user_id, name, source, created_at, updated_at) VALUES (?, ?, 'q', 'manual', NOW(3), NOW(3))`,
        [storeId, userId],
      );
      // creating reads only the limit from the configuration, and takes a place of the quota
      const config = { pipeline: { projectsPerDay: 3 } } as AppConfig;
      const quota = new DailyQuotaRepository(router, new ProjectEventRepository(router));
      const create = new CreateProject(config, quota);
      const by = { kind: 'user' as const, userId, role: 'user' as const };
      const input = { storeId, autopilot: false, options: {} };
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, () => create.execute(by, input)),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
      for (const r of results.filter((r) => r.status === 'rejected'))
        expect((r as PromiseRejectedResult).reason).toBeInstanceOf(QuotaExceededError);
      const [{ n }] = await cluster.primary.query<{ n: number }[]>(
        `SELECT COUNT(*) AS n FROM ${APP_DB.database}.projects WHERE owner_user_id = ?`,
        [userId],
      );
      expect(Number(n)).toBe(3);
      // someone else's store: 404 (not a project), whatever their quota
      await expect(create.execute({ ...by, userId: randomUUID() }, input)).rejects.toThrow(
        `store ${storeId} not found`,
      );
    });

    it('creates a project and its first event in one round trip (CALL create_project), for a partner too', async () => {
      const partnerId = randomUUID();
      const storeId = randomUUID();
      await cluster.primary.query(
        `INSERT INTO ${APP_DB.database}.stores (id, partner_id, name, source, created_at, updated_at) VALUES (?, ?, 'p', 'manual', NOW(3), NOW(3))`,
        [storeId, partnerId],
      );
      const announced: { projectId: string; message: string | null; seq: number }[] = [];
      const listener = {
        listenTo: () => ProjectEventEntity,
        afterInsert: (e: { entity: (typeof announced)[number] }) => void announced.push(e.entity),
      };
      app.dataSource.subscribers.push(listener as never);
      const config = { pipeline: { projectsPerDay: 1 } } as AppConfig;
      const create = new CreateProject(
        config,
        new DailyQuotaRepository(router, new ProjectEventRepository(router)),
      );
      const by = { kind: 'partner' as const, partnerId, keyId: 'k', scopes: [] };
      const input = { storeId, autopilot: true, options: { mood: 'calm' } };
      try {
        const { result: made, statements } = await captureSql(app.dataSource, () =>
          create.execute(by, input),
        );
        expect(statements.map((q) => q.sql.trim().split('(')[0])).toEqual(['CALL create_project']);
        const [row] = await cluster.primary.query<Record<string, unknown>[]>(
          `SELECT partner_id, owner_user_id, store_id, state, autopilot, options, created_at, quota_slot FROM ${APP_DB.database}.projects WHERE id = ?`,
          [made.id],
        );
        expect(row).toMatchObject({
          partner_id: partnerId,
          owner_user_id: null,
          store_id: storeId,
          state: 'DRAFT',
          autopilot: 1,
          quota_slot: 0,
        });
        expect(JSON.parse(row.options as string)).toEqual(made.options);
        expect((row.created_at as Date).getTime()).toBe(made.createdAt.getTime());
        const events = await cluster.primary.query<{ seq: number; message: string }[]>(
          `SELECT seq, message FROM ${APP_DB.database}.project_events WHERE project_id = ?`,
          [made.id],
        );
        expect(events).toEqual([{ seq: expect.any(Number), message: 'created' }]);
        // live progress is told of the committed event, with its number
        expect(announced).toEqual([
          expect.objectContaining({ projectId: made.id, message: 'created', seq: events[0].seq }),
        ]);
        // past the limit (the CALL's INSERT refused, rolled back): nothing written, no event
        await expect(create.execute(by, input)).rejects.toBeInstanceOf(QuotaExceededError);
        // the store is the partner's: not a user's with the same id, nor another partner's
        for (const other of [
          { kind: 'user' as const, userId: partnerId, role: 'user' as const },
          { ...by, partnerId: randomUUID() },
        ])
          await expect(create.execute(other, input)).rejects.toThrow(`store ${storeId} not found`);
        const [{ n }] = await cluster.primary.query<{ n: number }[]>(
          `SELECT COUNT(*) AS n FROM ${APP_DB.database}.project_events e JOIN ${APP_DB.database}.projects p ON p.id = e.project_id WHERE p.store_id = ?`,
          [storeId],
        );
        expect(Number(n)).toBe(1);
        expect(announced).toHaveLength(1);
      } finally {
        app.dataSource.subscribers.splice(app.dataSource.subscribers.indexOf(listener as never), 1);
      }
    });

    it('does not surface connections closed by a short wait_timeout either', async () => {
      await cluster.primary.query('SET GLOBAL wait_timeout = 1');
      try {
        await cluster.primary.killAppConnections(); // new connections pick up the short timeout
        await Promise.all(
          Array.from({ length: 4 }, () => router.read((em) => em.query('SELECT SLEEP(0.05)'))),
        );
        await new Promise((r) => setTimeout(r, 2500)); // the server closes them while idle
        for (let i = 0; i < 5; i++)
          expect(await router.read((em) => em.count(UserEntity))).toBeGreaterThan(0);
      } finally {
        await cluster.primary.query('SET GLOBAL wait_timeout = 28800');
      }
    });
  },
);
