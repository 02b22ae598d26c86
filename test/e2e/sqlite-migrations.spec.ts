import { join } from 'node:path';
import { ENTITIES, MIGRATIONS } from '@app/domain';
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

  it('fills a rendering or failed render’s percent from its events when adding report_percent', async () => {
    const app = await databaseApp({ DB_SQLITE_PATH: join(dir, 'report-percent.sqlite') }, 'cli');
    const qr = app.dataSource.createQueryRunner();
    const Migration = MIGRATIONS.find((m) => m.name === 'ProjectReportPercent1766045000000')!;
    const migration = new Migration();
    try {
      await app.dataSource.runMigrations({ transaction: 'each' });
      await migration.down(qr);
      await qr.query(
        "INSERT INTO users (id, nickname, role, created_at, updated_at) VALUES ('u', 'u', 'user', '2026-01-01', '2026-01-01')",
      );
      await qr.query(
        "INSERT INTO stores (id, owner_user_id, name, source, created_at, updated_at) VALUES ('s', 'u', 's', 'manual', '2026-01-01', '2026-01-01')",
      );
      const project = (id: string, state: string, step: string | null) =>
        qr.query(
          "INSERT INTO projects (id, owner_user_id, store_id, state, step, options, callback_token, created_at, updated_at) VALUES (?, 'u', 's', ?, ?, '{}', 't', '2026-01-01', '2026-01-01')",
          [id, state, step],
        );
      const event = (id: string, from: string, to: string, percent: number | null) =>
        qr.query(
          "INSERT INTO project_events (project_id, from_state, to_state, percent, at) VALUES (?, ?, ?, ?, '2026-01-01')",
          [id, from, to, percent],
        );
      // rendering: an old run's 91, a new run from DONE, this run's 40 and 64
      await project('rendering', 'VIDEO_SUBMITTED', 'poll_video');
      await event('rendering', 'SONG_READY', 'SONG_READY', 91);
      await event('rendering', 'DONE', 'SONG_READY', null);
      await event('rendering', 'SONG_READY', 'SONG_READY', 40);
      await event('rendering', 'SONG_READY', 'SONG_READY', 64);
      await event('rendering', 'SONG_READY', 'VIDEO_SUBMITTED', null);
      // a re-render that has not reported yet; a failed render; a finished project
      await project('new-run', 'SONG_READY', 'submit_video');
      await event('new-run', 'SONG_READY', 'SONG_READY', 97);
      await event('new-run', 'DONE', 'SONG_READY', null);
      await project('failed', 'FAILED', 'submit_video');
      await event('failed', 'SONG_READY', 'SONG_READY', 55);
      await event('failed', 'SONG_READY', 'FAILED', null);
      await project('done', 'DONE', 'poll_video');
      await event('done', 'SONG_READY', 'SONG_READY', 99);
      await migration.up(qr);
      const rows: { id: string; report_percent: number | null }[] = await qr.query(
        'SELECT id, report_percent FROM projects ORDER BY id',
      );
      expect(Object.fromEntries(rows.map((r) => [r.id, r.report_percent]))).toEqual({
        done: null,
        failed: 55,
        'new-run': null,
        rendering: 64,
      });
    } finally {
      await qr.release();
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
