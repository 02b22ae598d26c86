import { Brackets, EntityManager } from 'typeorm';
import { afterCursor, Cursor, newestFirstAfter } from '../database/keyset';
import { UserEntity } from '../entities/user.entity';
import { UserSearchGramEntity } from '../entities/user-search-gram.entity';
import { GRAM_COUNT_CAP, termGrams, userGrams } from './user-search';

type Searchable = Pick<UserEntity, 'id' | 'nickname' | 'email' | 'createdAt'>;

/**
 * The admin user search's grams (user-search.ts), kept by UserRepository's own writes in the
 * same manager: a user is findable from the statement that creates them.
 */
export const userSearchGrams = {
  add: (em: EntityManager, user: Searchable, grams = userGrams(user.nickname, user.email)) =>
    inBatches(grams, (batch) =>
      em
        .createQueryBuilder()
        .insert()
        .into(UserSearchGramEntity)
        .values(batch.map((gram) => ({ gram, createdAt: user.createdAt, userId: user.id })))
        // MariaDB compares grams as its collation does ('e' = 'é'): one row serves both
        .orIgnore()
        .execute(),
    ),

  /** By key (the user's grams as they were): no index on user_id is needed. */
  remove: (em: EntityManager, user: Searchable, grams = userGrams(user.nickname, user.email)) =>
    inBatches(grams, (batch) =>
      em
        .createQueryBuilder()
        .delete()
        .from(UserSearchGramEntity)
        .where('gram IN (:...batch) AND created_at = :createdAt AND user_id = :userId', {
          batch,
          createdAt: user.createdAt,
          userId: user.id,
        })
        .execute(),
    ),

  /** After a nickname or email changed: only the grams that differ. */
  async replace(em: EntityManager, before: Searchable, after: Searchable) {
    const old = new Set(userGrams(before.nickname, before.email));
    const now = new Set(userGrams(after.nickname, after.email));
    await this.remove(
      em,
      before,
      [...old].filter((g) => !now.has(g)),
    );
    await this.add(
      em,
      after,
      [...now].filter((g) => !old.has(g)),
    );
  },

  /**
   * Users (not deleted) whose nickname or email contains `term`, or whose Kakao id is `term`,
   * newest first after the cursor.
   */
  async search(
    em: EntityManager,
    term: string,
    opts: { limit: number; after?: Cursor },
  ): Promise<UserEntity[]> {
    // '!' escapes: SQLite's LIKE has no default escape, and a backslash is read differently
    const like = `%${term.replace(/[!%_]/g, (c) => `!${c}`)}%`;
    const containing = (q: ReturnType<EntityManager['createQueryBuilder']>) =>
      q.andWhere(
        new Brackets((w) =>
          w
            .where(`u.nickname LIKE :like ESCAPE '!'`, { like })
            .orWhere(`u.email LIKE :like ESCAPE '!'`, { like }),
        ),
      );
    const grams = termGrams(term);
    let found: UserEntity[];
    if (grams.length === 0) {
      // a single character: most users contain it, so walking the list finds a page at once
      const q = containing(em.createQueryBuilder(UserEntity, 'u').where('u.deleted_at IS NULL'));
      found = await newestFirstAfter(q, 'u', opts.after, opts.limit).getMany();
    } else {
      const gram = await rarest(em, grams);
      const q = containing(
        em
          .createQueryBuilder(UserEntity, 'u')
          .innerJoin(UserSearchGramEntity, 'g', 'g.user_id = u.id')
          .where('g.gram = :gram', { gram })
          .andWhere('u.deleted_at IS NULL'),
      );
      found = await afterCursor(q, 'g.created_at', 'g.user_id', opts.after)
        .orderBy('g.created_at', 'DESC')
        .addOrderBy('g.user_id', 'DESC')
        .limit(opts.limit)
        .getMany();
    }
    // an exact Kakao id (digits): one unique-index lookup, merged in the list's order
    if (!/^\d{1,32}$/.test(term)) return found;
    const byKakao = await em
      .createQueryBuilder(UserEntity, 'u')
      .where('u.kakao_id = :term AND u.deleted_at IS NULL', { term })
      .getOne();
    if (!byKakao || found.some((u) => u.id === byKakao.id)) return found;
    const a = opts.after;
    if (a && !isOlder(byKakao, a)) return found;
    return [...found, byKakao].sort((x, y) => (isOlder(x, y) ? 1 : -1)).slice(0, opts.limit);
  },
};

/** A long nickname and email make several hundred grams: a few statements' worth. */
async function inBatches(grams: string[], fn: (batch: string[]) => Promise<unknown>) {
  for (let i = 0; i < grams.length; i += 300) await fn(grams.slice(i, i + 300));
}

const isOlder = (x: Cursor, y: Cursor) =>
  x.createdAt.getTime() < y.createdAt.getTime() ||
  (x.createdAt.getTime() === y.createdAt.getTime() && x.id < y.id);

/**
 * The term's gram with the fewest users, each counted up to GRAM_COUNT_CAP from the key alone
 * (one statement): the walk then reads at most that gram's users.
 */
async function rarest(em: EntityManager, grams: string[]): Promise<string> {
  if (grams.length === 1) return grams[0];
  const counts: { i: number; n: number }[] = await em.query(
    grams
      .map(
        (_, i) =>
          `SELECT ${i} AS i, COUNT(*) AS n FROM (SELECT 1 AS one FROM user_search_grams WHERE gram = ? LIMIT ${GRAM_COUNT_CAP}) g${i}`,
      )
      .join(' UNION ALL '),
    grams,
  );
  const best = counts.reduce((a, b) => (Number(b.n) < Number(a.n) ? b : a));
  return grams[Number(best.i)];
}
