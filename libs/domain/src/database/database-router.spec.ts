import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { DatabaseRouter } from './database-router';

/*
 * The embedded default: the API and the scheduler are two processes on one SQLite file. A
 * transaction that has read and then writes after the other process committed is refused at
 * once ("database is locked", SQLITE_BUSY_SNAPSHOT; busy_timeout does not wait for it): the
 * router runs it again instead of answering an owner 500.
 */
describe('DatabaseRouter on a SQLite file shared by two processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'castad-router-'));
  const open = () =>
    new DataSource({
      type: 'better-sqlite3',
      database: join(dir, 'castad.sqlite'),
      enableWAL: true,
      prepareDatabase: (db: { pragma: (s: string) => unknown }) => {
        db.pragma('busy_timeout = 2000');
      },
    }).initialize();
  let api: DataSource;
  let scheduler: DataSource;

  beforeAll(async () => {
    api = await open();
    scheduler = await open();
    await api.query('CREATE TABLE counters (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)');
    await api.query('INSERT INTO counters (id, n) VALUES (1, 0)');
  });
  afterAll(async () => {
    await api.destroy();
    await scheduler.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a transaction again when another process wrote between its read and its write', async () => {
    const router = new DatabaseRouter(api);
    let attempts = 0;
    await router.transaction(async (em) => {
      attempts++;
      const [{ n }] = (await em.query('SELECT n FROM counters WHERE id = 1')) as { n: number }[];
      if (attempts === 1) await scheduler.query('UPDATE counters SET n = n + 10 WHERE id = 1');
      await em.query('UPDATE counters SET n = ? WHERE id = 1', [n + 1]);
    });
    expect(attempts).toBe(2);
    // the other process's write is kept, and ours is computed from it
    expect(await scheduler.query('SELECT n FROM counters WHERE id = 1')).toEqual([{ n: 11 }]);
  });
});
