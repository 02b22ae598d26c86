import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { DatabaseRouter } from '../database/database-router';
import { EntityRows } from '../database/entity-rows';
import { toSqliteTime } from '../database/raw-sql';

/** States claimed together, up to `limit` rows (one provider's share of a tick). */
export interface ClaimGroup {
  states: readonly string[];
  limit: number;
}

/** The columns every table of leased work has (projects, publications). */
export interface LeasedRow extends ObjectLiteral {
  id: string;
  state: string;
  nextRunAt: Date | null;
  leaseOwner: string | null;
  leaseUntil: Date | null;
  updatedAt: Date;
}

/**
 * One table of leased work, for the repository that owns it: rows are due at `next_run_at`,
 * claimed by `lease_owner` until `lease_until` (MySQL: FOR UPDATE SKIP LOCKED, so two
 * schedulers never claim one row and never wait on each other; SQLite: one guarded UPDATE),
 * kept alive by a heartbeat, and written back only while the lease is still held (fencing).
 * Claim tokens are `<instance id>:<random>`, so a dead scheduler's claims can be given back.
 */
export class LeasedTable<E extends LeasedRow> {
  constructor(
    private readonly db: DatabaseRouter,
    private readonly entity: EntityTarget<E>,
    private readonly table: string,
    /** the alias of the table in the due-work query (`p` for projects) */
    private readonly alias: string,
  ) {
    this.rows = new EntityRows(db.dataSource, entity, alias);
  }

  /** claimed rows come back whole, converted as TypeORM converts them */
  private readonly rows: EntityRows<E>;

  /** The due-work query (also used to check its plan): due, unleased, in one of `states`. */
  dueQuery(em: EntityManager, states: readonly string[], now: Date) {
    return em
      .createQueryBuilder(this.entity, this.alias)
      .where(`${this.alias}.next_run_at <= :now`, { now })
      .andWhere(`(${this.alias}.lease_until IS NULL OR ${this.alias}.lease_until < :now)`, { now })
      .andWhere(`${this.alias}.state IN (:...states)`, { states });
  }

  /**
   * Claims up to `limit` due rows in `states` for `owner` for `leaseMs`, oldest due first, and
   * returns them whole as claimed (lease set): the run that follows needs no read of its own.
   */
  claimDue(
    owner: string,
    states: readonly string[],
    limit: number,
    leaseMs: number,
    now = new Date(),
  ): Promise<E[]> {
    return this.claimGroups(owner, [{ states, limit }], leaseMs, now);
  }

  /**
   * One claim for several groups of states (one per provider), each up to its own `limit`,
   * oldest due first within a group: a scheduler's tick claims all its work with one locking
   * read and one UPDATE instead of a transaction per provider.
   */
  async claimGroups(
    owner: string,
    groups: readonly ClaimGroup[],
    leaseMs: number,
    now = new Date(),
  ): Promise<E[]> {
    const wanted = groups.filter((g) => g.limit > 0 && g.states.length > 0);
    if (wanted.length === 0) return [];
    const until = new Date(now.getTime() + leaseMs);
    if (this.db.dataSource.options.type === 'better-sqlite3')
      // one guarded UPDATE that hands back what it claimed
      return this.db.write(async (em) => {
        // derived tables: SQLite takes no ORDER BY/LIMIT on a bare UNION member
        const ids = wanted
          .map(
            (g, i) =>
              `SELECT id FROM (${this.dueSelect(`${this.alias}.id`, g.states.length, g.limit)}) g${i}`,
          )
          .join(' UNION ALL ');
        const at = toSqliteTime(now);
        const rows = (await em.query(
          `UPDATE ${this.table} SET lease_owner = ?, lease_until = ? WHERE id IN (${ids}) RETURNING *`,
          [owner, toSqliteTime(until), ...wanted.flatMap((g) => [at, at, ...g.states])],
        )) as Record<string, unknown>[];
        return this.byDueTime(rows.map((r) => this.rows.hydrate(r)));
      });
    return this.db.transaction(
      async (em) => {
        const [sql, params] = this.claimQuery(em, wanted, now);
        const rows = ((await em.query(sql, params)) as Record<string, unknown>[]).map((r) =>
          this.rows.hydrate(r),
        );
        // each group's oldest `limit` of the rows read (at most `limit` per state were locked)
        const claimed = wanted.flatMap((g) =>
          this.byDueTime(rows.filter((r) => g.states.includes(r.state))).slice(0, g.limit),
        );
        if (claimed.length === 0) return claimed;
        const updatedAt = new Date();
        await em.query(
          `UPDATE ${this.table} SET lease_owner = ?, lease_until = ?, updated_at = ? WHERE id IN (${claimed.map(() => '?').join(', ')})`,
          [owner, until, updatedAt, ...claimed.map((r) => r.id)],
        );
        for (const r of claimed)
          Object.assign(r, { leaseOwner: owner, leaseUntil: until, updatedAt });
        return this.byDueTime(claimed);
      },
      { readCommitted: true },
    );
  }

  /**
   * The MySQL claim: one locking read per state (FOR UPDATE SKIP LOCKED, joined by UNION ALL),
   * each walking the table's (state, next_run_at, lease_until) index in due order and stopping
   * at its group's LIMIT, so only rows it may claim are read and locked (an IN over several
   * states would lock every due row of all of them to sort them). It reads every column: the
   * claimed rows are what their runs start from. Public to check its plan.
   */
  claimQuery(
    _em: EntityManager,
    groups: readonly ClaimGroup[],
    now: Date,
  ): [sql: string, params: unknown[]] {
    // raw SQL, not the query builder: one claim per tick, and building it was ~2% of the
    // scheduler's CPU (bench:pipeline)
    const parts = groups.flatMap((g) => g.states.map((state) => ({ state, limit: g.limit })));
    const sql = parts
      .map(({ limit }) => `(${this.dueSelect(this.rows.columns, 1, limit)} FOR UPDATE SKIP LOCKED)`)
      .join(' UNION ALL ');
    return [sql, parts.flatMap(({ state }) => [now, now, state])];
  }

  /**
   * The due rows in one of `stateCount` states, oldest due first, at most `limit`, as dueQuery()
   * finds them: its parameters are the time twice, then the states.
   */
  private dueSelect(columns: string, stateCount: number, limit: number): string {
    if (!Number.isInteger(limit) || limit < 0) throw new Error(`not a claim limit: ${limit}`);
    const a = this.alias;
    return (
      `SELECT ${columns} FROM ${this.table} ${a} WHERE ${a}.next_run_at <= ?` +
      ` AND (${a}.lease_until IS NULL OR ${a}.lease_until < ?)` +
      ` AND ${a}.state IN (${Array(stateCount).fill('?').join(', ')})` +
      ` ORDER BY ${a}.next_run_at ASC LIMIT ${limit}`
    );
  }

  private byDueTime(rows: E[]): E[] {
    return rows.sort((x, y) => (x.nextRunAt?.getTime() ?? 0) - (y.nextRunAt?.getTime() ?? 0));
  }

  /** The heartbeat of a running claim: false when another worker took the row over. */
  async extendLease(id: string, owner: string, leaseMs: number): Promise<boolean> {
    return this.updateIfLeased(id, owner, { leaseUntil: new Date(Date.now() + leaseMs) } as never);
  }

  /**
   * Writes a result only while `owner` still holds the row's lease (a fencing check); one raw
   * UPDATE (EntityRows.update), as the claims are raw: it runs after every step and heartbeat.
   */
  async updateIfLeased(id: string, owner: string, patch: Partial<E>): Promise<boolean> {
    const changed = await this.db.write((em) =>
      this.rows.update(em, { ...patch, updatedAt: new Date() }, 'id = ? AND lease_owner = ?', [
        id,
        owner,
      ]),
    );
    return changed === 1;
  }

  /** Gives back every row claimed by a scheduler known to be dead (`<instance id>:` tokens). */
  /**
   * The instance ids holding live claims here (a claim token is `<instance id>:<random>`): how
   * a restarted scheduler finds claims of its dead predecessors whatever the leader lease says.
   */
  async claimHolders(): Promise<string[]> {
    const rows = await this.db.read((em) =>
      em
        .createQueryBuilder(this.entity, this.alias)
        .select(`DISTINCT ${this.alias}.lease_owner`, 'owner')
        .where(`${this.alias}.lease_until IS NOT NULL`)
        .getRawMany<{ owner: string | null }>(),
    );
    const ids = rows.map((r) => r.owner?.slice(0, r.owner.lastIndexOf(':')) ?? '');
    return [...new Set(ids.filter(Boolean))];
  }

  async releaseClaimsOf(instanceId: string): Promise<number> {
    // a prefix compare, not LIKE: instance ids may hold LIKE's wildcards, SQLite has no default escape
    const prefix = `${instanceId}:`;
    const r = await this.db.write((em) =>
      em
        .createQueryBuilder()
        .update(this.entity)
        .set({ leaseOwner: null, leaseUntil: null } as never)
        // only leased rows (the lease_until index), not a scan that locks every row
        .where('lease_until IS NOT NULL')
        .andWhere('SUBSTR(lease_owner, 1, :len) = :prefix', { len: prefix.length, prefix })
        .execute(),
    );
    return r.affected ?? 0;
  }

  /** Housekeeping: leases whose holder died are cleared (the rows were reclaimable anyway). */
  async clearExpiredLeases(now = new Date()): Promise<number> {
    // through the lease_until index, at READ COMMITTED: only the expired rows are locked, and
    // no gap lock holds up a claim or a new row meanwhile
    const r = await this.db.transaction(
      (em) =>
        em
          .createQueryBuilder()
          .update(this.entity)
          .set({ leaseOwner: null, leaseUntil: null } as never)
          .where('lease_until < :now', { now })
          .execute(),
      { readCommitted: true },
    );
    return r.affected ?? 0;
  }
}
