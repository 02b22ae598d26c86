import { describeWithServers } from '../harness/binaries';
import { databaseApp } from '../harness/database-app';
import { APP_DB, ReplicatedMariaDb } from '../harness/mariadb';
import { ENTITIES, ProjectRepository } from '@app/domain';

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
        // the scheduler's due-work query is served by its index
        const [sql, params] = new ProjectRepository(undefined as never)
          .dueQuery(ds.manager, ['DRAFT', 'STORE_READY'], new Date())
          .select('p.id')
          .orderBy('p.next_run_at')
          .limit(10)
          .getQueryAndParameters();
        const plan = await ds.query(`EXPLAIN ${sql}`, params);
        expect(plan[0].key).toMatch(/^ix_projects_(due|state_updated)$/);
        expect(plan[0].type).not.toBe('ALL');

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
