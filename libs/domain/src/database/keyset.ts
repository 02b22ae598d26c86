import { Brackets, SelectQueryBuilder } from 'typeorm';

export interface Cursor {
  createdAt: Date;
  id: string;
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
  if (after) {
    q.andWhere(
      new Brackets((w) =>
        w
          .where(`${alias}.created_at < :cursorAt`, { cursorAt: after.createdAt })
          .orWhere(`(${alias}.created_at = :cursorAt AND ${alias}.id < :cursorId)`, {
            cursorAt: after.createdAt,
            cursorId: after.id,
          }),
      ),
    );
  }
  return q.orderBy(`${alias}.created_at`, 'DESC').addOrderBy(`${alias}.id`, 'DESC').take(limit);
}
