import { DataSource, EntityManager } from 'typeorm';

/** TypeORM's SQLite datetime text (UTC, milliseconds): how raw SQL passes a time to SQLite. */
export function toSqliteTime(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

export function isSqlite(db: EntityManager | DataSource): boolean {
  const ds = 'connection' in db ? db.connection : db;
  return ds.options.type === 'better-sqlite3';
}

/** A time as a raw SQL parameter: mysql2 formats a Date itself, better-sqlite3 takes text. */
export function sqlTime(em: EntityManager, d: Date): Date | string {
  return isSqlite(em) ? toSqliteTime(d) : d;
}

/**
 * A raw write: how many rows it changed and the id it generated, on either driver (em.query()
 * returns mysql2's header but only SQLite's last row id). Runs on the manager's transaction
 * when it has one.
 */
export async function execute(
  em: EntityManager,
  sql: string,
  params: unknown[],
): Promise<{ affected: number; insertId: number }> {
  const own = !em.queryRunner;
  const runner = em.queryRunner ?? em.connection.createQueryRunner('master');
  try {
    const r = await runner.query(sql, params, true);
    const raw = r.raw as { insertId?: number } | number | bigint;
    return {
      affected: r.affected ?? 0,
      insertId: Number(typeof raw === 'object' ? raw.insertId : raw),
    };
  } finally {
    if (own) await runner.release();
  }
}
