import type { DataSource } from 'typeorm';

export interface CapturedStatement {
  sql: string;
  params: unknown[];
}

/**
 * Runs `fn` and returns the statements our repositories sent through TypeORM meanwhile (its
 * logger sees every query, transaction control included), so benches and plan checks use
 * the SQL the code really issues, not a copy of it.
 */
export async function captureSql<T>(
  ds: DataSource,
  fn: () => Promise<T>,
): Promise<{ result: T; statements: CapturedStatement[] }> {
  const logger = ds.logger;
  const original = logger.logQuery;
  const statements: CapturedStatement[] = [];
  logger.logQuery = function (sql, params, runner) {
    statements.push({ sql, params: Array.isArray(params) ? params : [] });
    return original.call(this, sql, params, runner);
  };
  try {
    return { result: await fn(), statements };
  } finally {
    logger.logQuery = original;
  }
}

/** The statements a plan applies to (not transaction control, not inserts). */
export const explainable = (s: CapturedStatement) =>
  /^\s*\(?\s*(SELECT|UPDATE|DELETE)\b/i.test(s.sql);

export interface TableAccess {
  table: string;
  accessType: string;
  key: string | null;
  rows: number;
  coveringIndex: boolean;
  sorted: boolean;
}

/**
 * Every real table an EXPLAIN FORMAT=JSON plan reads (derived and union results left out),
 * with whether a filesort or temporary table sits above it.
 */
export function tableAccesses(plan: unknown): TableAccess[] {
  const out: TableAccess[] = [];
  const walk = (node: unknown, sorted: boolean): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, sorted));
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    const t = o.table as Record<string, unknown> | undefined;
    if (t && typeof t === 'object' && typeof t.table_name === 'string') {
      if (!t.table_name.startsWith('<'))
        out.push({
          table: t.table_name,
          accessType: String(t.access_type),
          key: (t.key as string) ?? null,
          rows: Number(t.rows ?? 0),
          coveringIndex: t.using_index === true,
          sorted,
        });
    }
    for (const [k, v] of Object.entries(o))
      walk(v, sorted || k === 'filesort' || k === 'temporary_table' || k === 'read_sorted_file');
  };
  walk(plan, false);
  return out;
}
