import { join } from 'node:path';
import { ENTITIES } from '@app/domain';
import { ProjectRepository } from '@app/domain/repositories';
import { databaseApp } from '../harness/database-app';
import { removeDir, tempDir } from '../harness/process';

describe('the migration set on SQLite (the embedded default)', () => {
  const dir = tempDir('sqlite');
  afterAll(() => removeDir(dir));

  it('runs up to a schema that matches the entities exactly, then down to nothing, in WAL mode', async () => {
    const app = await databaseApp(
      { DB_SQLITE_PATH: join(dir, 'castad.sqlite'), DB_MIGRATE_ON_START: 'false' },
      'cli',
    );
    const ds = app.dataSource;
    try {
      expect(await ds.showMigrations()).toBe(true);
      await ds.runMigrations({ transaction: 'each' });
      expect(await ds.showMigrations()).toBe(false);
      const pending = await ds.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
      const tables: { name: string }[] = await ds.query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
      );
      expect(tables.map((t) => t.name).sort()).toEqual(
        [...ENTITIES.map((e) => ds.getMetadata(e).tableName), 'schema_migrations'].sort(),
      );
      expect((await ds.query('PRAGMA journal_mode'))[0].journal_mode).toBe('wal');
      expect((await ds.query('PRAGMA busy_timeout'))[0].timeout).toBeGreaterThanOrEqual(5000);
      const [sql, params] = new ProjectRepository({ dataSource: ds } as never, undefined as never)
        .dueQuery(ds.manager, ['DRAFT'], new Date())
        .select('p.id')
        .orderBy('p.next_run_at')
        .limit(10)
        .getQueryAndParameters();
      const plan: { detail: string }[] = await ds.query(`EXPLAIN QUERY PLAN ${sql}`, params);
      // an index seek on (state, next_run_at), never a scan of every project
      const detail = plan.map((p) => p.detail).join(' | ');
      expect(detail).toMatch(/SEARCH p USING (COVERING )?INDEX ix_projects_state_due/);
      expect(detail).not.toMatch(/SCAN p\b/);

      for (let i = 0; i < ds.migrations.length; i++)
        await ds.undoLastMigration({ transaction: 'each' });
      const left: { name: string }[] = await ds.query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
      );
      expect(left.map((t) => t.name)).toEqual(['schema_migrations']);
    } finally {
      await app.close();
    }
  });

  it('creates and migrates the database file on first start of the API role', async () => {
    const file = join(dir, 'nested', 'first-start.sqlite');
    const app = await databaseApp({ DB_SQLITE_PATH: file }, 'api');
    try {
      expect(await app.dataSource.showMigrations()).toBe(false);
    } finally {
      await app.close();
    }
  });
});
