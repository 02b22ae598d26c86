import { Brackets, SelectQueryBuilder } from 'typeorm';

export interface Cursor {
  createdAt: Date;
  id: string;
}

/** Rows strictly after the cursor on (createdAt, id) newest first, given those columns' names. */
export function afterCursor<T extends object>(
  q: SelectQueryBuilder<T>,
  createdAt: string,
  id: string,
  after: Cursor | undefined,
): SelectQueryBuilder<T> {
  if (!after) return q;
  return q.andWhere(
    new Brackets((w) =>
      w
        .where(`${createdAt} < :cursorAt`, { cursorAt: after.createdAt })
        .orWhere(`(${createdAt} = :cursorAt AND ${id} < :cursorId)`, {
          cursorAt: after.createdAt,
          cursorId: after.id,
        }),
    ),
  );
}

/**
 * Keyset pagination, newest first: rows strictly after the cursor on (created_at, id). The
 * one place every "list mine" query pages the same way.
 */
export function newestFirstAfter<T extends object>(
  q: SelectQueryBuilder<T>,
  alias: string,
  after: Cursor | undefined,
  limit: number,
): SelectQueryBuilder<T> {
  return afterCursor(q, `${alias}.created_at`, `${alias}.id`, after)
    .orderBy(`${alias}.created_at`, 'DESC')
    .addOrderBy(`${alias}.id`, 'DESC')
    .take(limit);
}
