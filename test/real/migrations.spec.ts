import { describeWithServers } from '../harness/binaries';
import { databaseApp } from '../harness/database-app';
import { APP_DB, ReplicatedMariaDb } from '../harness/mariadb';
import { ENTITIES } from '@app/domain';
import { ProjectRepository } from '@app/domain/repositories';

jest.setTimeout(120_000);

describeWithServers(
  ['mariadbd', 'mariadb-install-db'],
  'the migration set on a real MariaDB',
  () => {
    const cluster = new ReplicatedMariaDb(0);

    beforeAll(() => cluster.start());
    afterAll(() => cluster.destroy());

    it('runs up to a schema that matches the entities exactly, then down to nothing', async () => {
      const app = await databaseApp(
        cluster.env({ CASTAD_STAGE: '1', DB_MIGRATE_ON_START: 'false' }),
        'cli',
      );
      const ds = app.dataSource;
      try {
        const applied = await ds.runMigrations({ transaction: 'each' });
        expect(applied.length).toBe(ds.migrations.length);
        // the entities and the migration describe the same schema: nothing left to synchronise
        const pending = await ds.driver.createSchemaBuilder().log();
        expect(pending.upQueries.map((q) => q.query)).toEqual([]);
        const tables = await cluster.primary.query<{ t: string }[]>(
          'SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ?',
          [APP_DB.database],
        );
        expect(tables.map((r) => r.t).sort()).toEqual(
          [...ENTITIES.map((e) => ds.getMetadata(e).tableName), 'schema_migrations'].sort(),
        );
        // the scheduler's claim walks its due index, one state at a time, with no sort
        const [sql, params] = new ProjectRepository(
          { dataSource: ds } as never,
          undefined as never,
        ).claimQuery(ds.manager, ['DRAFT', 'VIDEO_SUBMITTED'], 10, new Date());
        const plan: { key: string; type: string; Extra: string; table: string }[] = await ds.query(
          `EXPLAIN ${sql}`,
          params,
        );
        for (const part of plan.filter((p) => p.table === 'p')) {
          expect(part.key).toBe('ix_projects_state_due');
          expect(part.type).toBe('range');
          expect(part.Extra).not.toMatch(/filesort/);
        }

        for (let i = 0; i < ds.migrations.length; i++)
          await ds.undoLastMigration({ transaction: 'each' });
        const left = await cluster.primary.query<{ t: string }[]>(
          'SELECT table_name AS t FROM information_schema.tables WHERE table_schema = ?',
          [APP_DB.database],
        );
        expect(left.map((r) => r.t)).toEqual(['schema_migrations']);
        // and up again: down really undid everything up did
        await ds.runMigrations({ transaction: 'each' });
        expect((await ds.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
      } finally {
        await app.close();
      }
    });
  },
);
