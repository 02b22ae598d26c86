import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { BroadcasterResult } from 'typeorm/subscriber/BroadcasterResult';
import { DatabaseRouter } from '../database/database-router';
import { EntityRows } from '../database/entity-rows';
import { execute, sqlTime } from '../database/raw-sql';
import { newestFirstAfter } from '../database/keyset';
import { ProjectEntity, ProjectOptions } from '../entities/project.entity';
import { ProjectEventEntity } from '../entities/project-event.entity';
import { Owner } from '../stores/owner';
import { LeasedTable } from '../work/leased-table';
import { assertTransition, ProjectState, StepName, STEPS, TransitionCause } from './project-state';

/** What may change beside a transition; the state itself changes only through `transition()`. */
export type ProjectPatch = Partial<Omit<ProjectEntity, 'id' | 'createdAt' | 'state'>>;

/** One change of state: checked against the table, guarded on `from`, recorded as an event. */
export interface Transition {
  from: ProjectState;
  to: ProjectState;
  cause: TransitionCause;
  patch?: ProjectPatch;
  /** a step's result: written only while this worker holds the lease (fencing) */
  leaseOwner?: string;
  /** the step the event is filed under (a failure is filed under the step that failed) */
  step?: string | null;
  durationMs?: number | null;
  message?: string;
}

@Injectable()
export class ProjectRepository {
  private readonly leases: LeasedTable<ProjectEntity>;
  private readonly rows: EntityRows<ProjectEntity>;

  constructor(private readonly db: DatabaseRouter) {
    this.leases = new LeasedTable(db, ProjectEntity, 'projects', 'p');
    this.rows = new EntityRows(db.dataSource, ProjectEntity, 'p');
  }

  /**
   * A new project (DRAFT) with its first event, for a store of the owner's, within their daily
   * quota: one transaction of two INSERTs. The project's INSERT is the check of both: it reads
   * the store with the owner's id (no row written when it is not theirs), and it takes one of
   * the owner's `limit` places of the day, which a unique index gives to one project only, so
   * the limit holds under concurrent requests without counting rows or locking a shared one.
   * A place is picked at random; only when it is taken are the day's taken places read.
   */
  async create(
    input: { owner: Owner; storeId: string; autopilot: boolean; options: ProjectOptions },
    quota: { day: string; limit: number },
  ): Promise<CreatedProject> {
    let slot = randomInt(quota.limit);
    // a refused place was taken by a committed project (InnoDB waits for the other insert to
    // end), and the next read sees it: each refusal takes one more place out of the draw
    const attempts = Math.min(quota.limit, MAX_SLOT_ATTEMPTS) + 1;
    for (let attempt = 1; ; attempt++) {
      try {
        const p = await this.insertNew(input, quota.day, slot);
        return p ? { kind: 'created', project: p } : { kind: 'no_store' };
      } catch (err) {
        if (!isUniqueViolation(err) || attempt >= attempts) throw err;
      }
      const free = await this.freeSlot(input.owner, quota.day, quota.limit);
      if (free === null) return { kind: 'over_quota' };
      slot = free;
    }
  }

  /** The INSERTs of a new project and its first event; null when the store is not the owner's. */
  private async insertNew(
    input: { owner: Owner; storeId: string; autopilot: boolean; options: ProjectOptions },
    day: string,
    slot: number,
  ): Promise<ProjectEntity | null> {
    const now = new Date();
    const p: ProjectEntity = {
      id: randomUUID(),
      ...input.owner,
      storeId: input.storeId,
      state: 'DRAFT',
      step: null,
      stepAttempts: 0,
      retries: 0,
      autopilot: input.autopilot,
      options: input.options,
      nextRunAt: now,
      leaseOwner: null,
      leaseUntil: null,
      lastError: null,
      lastProviderError: null,
      waitReason: null,
      stepStartedAt: null,
      pendingSubmissionKey: null,
      pendingSubmissionAt: null,
      songTaskId: null,
      videoTaskId: null,
      callbackToken: randomBytes(24).toString('base64url'),
      quotaDay: day,
      quotaSlot: slot,
      createdAt: now,
      updatedAt: now,
    };
    const [ownerColumn, ownerId] = ownerKey(input.owner);
    return this.db.transaction(async (em) => {
      const at = sqlTime(em, now);
      // the columns a new project sets (every other one is NULL), from the owner's store row
      const { affected } = await execute(
        em,
        `INSERT INTO projects (id, owner_user_id, partner_id, store_id, state, step_attempts,
           retries, autopilot, options, next_run_at, callback_token, quota_day, quota_slot,
           created_at, updated_at)
         SELECT ?, ?, ?, id, 'DRAFT', 0, 0, ?, ?, ?, ?, ?, ?, ?, ?
         FROM stores WHERE id = ? AND ${ownerColumn} = ?`,
        [
          p.id,
          p.ownerUserId,
          p.partnerId,
          p.autopilot,
          JSON.stringify(p.options),
          at,
          p.callbackToken,
          day,
          slot,
          at,
          at,
          p.storeId,
          ownerId,
        ],
      );
      if (affected !== 1) return null;
      await this.insertEvent(em, {
        projectId: p.id,
        fromState: 'DRAFT',
        toState: 'DRAFT',
        step: null,
        durationMs: null,
        message: 'created',
        percent: null,
        at: now,
      });
      return p;
    });
  }

  /**
   * One event row with raw SQL, handed to the event subscribers (live progress, once the
   * transaction commits) as em.insert() hands it, without building the INSERT on every call.
   */
  private async insertEvent(em: EntityManager, e: Omit<ProjectEventEntity, 'seq'>) {
    const { insertId } = await execute(
      em,
      `INSERT INTO project_events (project_id, from_state, to_state, step, duration_ms, message,
         percent, at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        e.projectId,
        e.fromState,
        e.toState,
        e.step,
        e.durationMs,
        e.message,
        e.percent,
        sqlTime(em, e.at),
      ],
    );
    const told = new BroadcasterResult();
    em.queryRunner!.broadcaster.broadcastAfterInsertEvent(
      told,
      em.connection.getMetadata(ProjectEventEntity),
      { ...e, seq: insertId },
    );
    await told.wait();
  }

  /** A place of `day` no project of the owner holds, or null when all `limit` are taken. */
  private async freeSlot(owner: Owner, day: string, limit: number): Promise<number | null> {
    const [ownerColumn, ownerId] = ownerKey(owner);
    const rows: { slot: number | string }[] = await this.db.read((em) =>
      em.query(
        `SELECT quota_slot AS slot FROM projects WHERE ${ownerColumn} = ? AND quota_day = ?`,
        [ownerId, day],
      ),
    );
    const taken = new Set(rows.map((r) => Number(r.slot)).filter((n) => n < limit));
    if (taken.size >= limit) return null;
    // at random among the free ones: concurrent requests rarely pick the same
    for (;;) {
      const slot = randomInt(limit);
      if (!taken.has(slot)) return slot;
    }
  }

  findById(id: string): Promise<ProjectEntity | null> {
    return this.db.read((em) => em.findOne(ProjectEntity, { where: { id } }));
  }

  /** A project if `owner`'s (raw SQL, fixed column list: the API's hottest read). */
  findOwned(id: string, owner: Owner): Promise<ProjectEntity | null> {
    const [ownerColumn, ownerId] = ownerKey(owner);
    const sql = `SELECT ${this.rows.columns} FROM projects p WHERE p.id = :id AND p.${ownerColumn} = :owner LIMIT 1`;
    // null, not an empty list: a replica that finds nothing asks the primary (DatabaseRouter)
    return this.db.read(
      async (em) => (await this.rows.query(em, sql, { id, owner: ownerId }))[0] ?? null,
    );
  }

  /**
   * `owner`'s projects newest first, a page after `after` (keyset on created_at, id; see
   * newestFirstAfter). Raw SQL with a fixed column list: the API's list route.
   */
  listOwned(
    owner: Owner,
    opts: {
      limit: number;
      states?: string[];
      /** only projects that have a video (finished, or rendered again since) */
      withVideo?: boolean;
      after?: { createdAt: Date; id: string };
    },
  ): Promise<ProjectEntity[]> {
    const [ownerColumn, ownerId] = ownerKey(owner);
    const where = [`p.${ownerColumn} = :owner`];
    if (opts.states?.length) where.push('p.state IN (:...states)');
    if (opts.withVideo) where.push('EXISTS (SELECT 1 FROM videos v WHERE v.project_id = p.id)');
    if (opts.after)
      where.push('(p.created_at < :cursorAt OR (p.created_at = :cursorAt AND p.id < :cursorId))');
    const sql =
      `SELECT ${this.rows.columns} FROM projects p WHERE ${where.join(' AND ')}` +
      ' ORDER BY p.created_at DESC, p.id DESC LIMIT :limit';
    return this.db.read((em) =>
      this.rows.query(em, sql, {
        owner: ownerId,
        states: opts.states,
        cursorAt: opts.after?.createdAt,
        cursorId: opts.after?.id,
        limit: opts.limit,
      }),
    );
  }

  /** Across all owners, for admins: newest first, by state. */
  listAll(opts: {
    limit: number;
    states?: string[];
    after?: { createdAt: Date; id: string };
  }): Promise<ProjectEntity[]> {
    return this.db.read((em) => {
      const q = em.createQueryBuilder(ProjectEntity, 'p').where('1 = 1');
      if (opts.states?.length) q.andWhere('p.state IN (:...states)', { states: opts.states });
      const after = opts.after;
      return newestFirstAfter(q, 'p', after, opts.limit).getMany();
    });
  }

  /**
   * Claims up to `limit` due projects in the given states for `owner` until `leaseMs` from now,
   * oldest due first, and returns them whole (see LeasedTable.claimDue: MySQL reads and locks at
   * most `limit` due rows per state, until its commit, and claims the oldest `limit` of them;
   * SQLite: one guarded UPDATE).
   */
  claimDue(
    owner: string,
    states: readonly ProjectState[],
    limit: number,
    leaseMs: number,
    now = new Date(),
  ): Promise<ProjectEntity[]> {
    return this.leases.claimDue(owner, states, limit, leaseMs, now);
  }

  /** Several providers' claims at once, each group up to its limit (see LeasedTable.claimGroups). */
  claimGroups(
    owner: string,
    groups: readonly { states: readonly ProjectState[]; limit: number }[],
    leaseMs: number,
    now = new Date(),
  ): Promise<ProjectEntity[]> {
    return this.leases.claimGroups(owner, groups, leaseMs, now);
  }

  /** The due-work query, also used to check its plan. */
  dueQuery(em: EntityManager, states: ProjectState[], now: Date) {
    return this.leases.dueQuery(em, states, now);
  }

  /** The MySQL claim (see LeasedTable.claimQuery), to check its plan. */
  claimQuery(em: EntityManager, states: ProjectState[], limit: number, now: Date) {
    return this.leases.claimQuery(em, [{ states, limit }], now);
  }

  /**
   * The one gate for every change of a project's state (steps, owners, admins, housekeeping):
   * the table must allow it, the row must still be in `from` (and, for a step, still leased to
   * its worker), and the event is written in the same transaction. False when the row moved on.
   */
  async transition(id: string, t: Transition): Promise<boolean> {
    assertTransition(t.from, t.to, t.cause);
    return this.db.transaction(async (em) => {
      const guard = t.leaseOwner
        ? { id, state: t.from, leaseOwner: t.leaseOwner }
        : { id, state: t.from };
      const r = await em.update(ProjectEntity, guard, {
        ...t.patch,
        state: t.to,
        updatedAt: new Date(),
      });
      if ((r.affected ?? 0) !== 1) return false;
      await em.insert(ProjectEventEntity, {
        projectId: id,
        fromState: t.from,
        toState: t.to,
        step: t.step === undefined ? t.cause : t.step,
        durationMs: t.durationMs ?? null,
        message: t.message ?? null,
        at: new Date(),
      });
      return true;
    });
  }

  /**
   * Writes a step's result that keeps the state (a wait, a retry, a marker) only if this worker
   * still holds the lease (fencing): a worker whose lease was taken over cannot overwrite.
   */
  updateIfLeased(id: string, leaseOwner: string, patch: ProjectPatch): Promise<boolean> {
    return this.leases.updateIfLeased(id, leaseOwner, patch);
  }

  /** Gives back every step claimed by a scheduler known to be dead. */
  releaseClaimsOf(instanceId: string): Promise<number> {
    return this.leases.releaseClaimsOf(instanceId);
  }

  /** The heartbeat of a running step: false when another worker took the project over. */
  extendLease(id: string, leaseOwner: string, leaseMs: number): Promise<boolean> {
    return this.leases.extendLease(id, leaseOwner, leaseMs);
  }

  /** A person's action that keeps the state (wake the next step, new options): guarded on it. */
  async updateIfState(id: string, expected: ProjectState, patch: ProjectPatch): Promise<boolean> {
    const r = await this.db.write((em) =>
      em.update(ProjectEntity, { id, state: expected }, { ...patch, updatedAt: new Date() }),
    );
    return (r.affected ?? 0) === 1;
  }

  /**
   * A running step's progress (a render's percent), as an event that changes no state:
   * written only while `leaseOwner` still holds the project (a taken-over step reports nothing).
   */
  async recordProgress(
    id: string,
    leaseOwner: string,
    report: { state: ProjectState; step: string; percent: number; message?: string },
  ): Promise<boolean> {
    return this.db.transaction(async (em) => {
      const now = new Date();
      const r = await em.update(ProjectEntity, { id, leaseOwner }, { updatedAt: now });
      if ((r.affected ?? 0) !== 1) return false;
      await em.insert(ProjectEventEntity, {
        projectId: id,
        fromState: report.state,
        toState: report.state,
        step: report.step,
        durationMs: null,
        message: report.message ?? null,
        percent: report.percent,
        at: now,
      });
      return true;
    });
  }

  /** The project's newest event: a progress report while a step runs and reports. */
  latestEvent(projectId: string): Promise<ProjectEventEntity | null> {
    return this.db.read((em) =>
      em
        .createQueryBuilder(ProjectEventEntity, 'e')
        .where('e.project_id = :projectId', { projectId })
        .orderBy('e.seq', 'DESC')
        .limit(1)
        .getOne(),
    );
  }

  /** Marks a paid submission as about to be sent (see ProjectEntity.pendingSubmissionKey). */
  async markSubmitting(id: string, leaseOwner: string, key: string): Promise<boolean> {
    return this.updateIfLeased(id, leaseOwner, {
      pendingSubmissionKey: key,
      pendingSubmissionAt: new Date(),
    });
  }

  /** Callbacks and webhooks only bring the next poll forward. */
  async pollSoon(id: string, states: ProjectState[]): Promise<void> {
    await this.db.write((em) =>
      em.update(ProjectEntity, { id, state: In(states) }, { nextRunAt: new Date() }),
    );
  }

  /** Projects by id list and/or state and last change (ops filters); on the primary. */
  matching(filter: { ids?: string[]; state?: string; since?: Date }): Promise<ProjectEntity[]> {
    return this.db.read((em) => {
      const q = em.createQueryBuilder(ProjectEntity, 'p').where('1 = 1');
      if (filter.ids?.length) q.andWhere('p.id IN (:...ids)', { ids: filter.ids });
      if (filter.state) q.andWhere('p.state = :state', { state: filter.state });
      if (filter.since) q.andWhere('p.updated_at >= :since', { since: filter.since });
      return q.orderBy('p.updated_at', 'ASC').take(10_000).getMany();
    });
  }

  /** Housekeeping: leases whose holder died are cleared (the rows were reclaimable anyway). */
  clearExpiredLeases(now = new Date()): Promise<number> {
    return this.leases.clearExpiredLeases(now);
  }

  /**
   * Housekeeping: projects left waiting for their owner (lyrics to approve, a clip to pick)
   * since `before` are cancelled, with an event saying why.
   */
  async cancelAbandoned(before: Date): Promise<number> {
    const rows = await this.db.read((em) =>
      em
        .createQueryBuilder(ProjectEntity, 'p')
        .select(['p.id', 'p.state'])
        .where('p.state IN (:...states)', { states: ['LYRICS_READY', 'SONG_READY'] })
        .andWhere('p.next_run_at IS NULL AND p.updated_at < :before', { before })
        .take(500)
        .getMany(),
    );
    let cancelled = 0;
    for (const r of rows) {
      const ok = await this.transition(r.id, {
        from: r.state,
        to: 'CANCELLED',
        cause: 'cancel',
        patch: { lastError: 'cancelled: left waiting for the owner too long' },
        message: 'abandoned: waited for the owner too long',
      });
      if (ok) cancelled++;
    }
    return cancelled;
  }

  /**
   * The newest provider error among projects retrying in `states` or FAILED at one of `steps`:
   * one read, made of a LIMIT 1 per state and per step that each walk an index from the newest
   * row (an IN with ORDER BY would sort every FAILED project ever).
   */
  async lastProviderError(states: string[], steps: string[]): Promise<string | null> {
    const rows = await this.db.read((em) => {
      const newest = (where: string, params: Record<string, string>) =>
        em
          .createQueryBuilder(ProjectEntity, 'p')
          .select('p.last_provider_error', 'error')
          .addSelect('p.updated_at', 'at')
          .where(`${where} AND p.last_provider_error IS NOT NULL`, params)
          .orderBy('p.updated_at', 'DESC')
          .limit(1)
          .getQueryAndParameters();
      const parts = [
        ...states.map((state) => newest('p.state = :state', { state })),
        ...steps.map((step) => newest("p.state = 'FAILED' AND p.step = :step", { step })),
      ];
      // derived tables: SQLite takes no ORDER BY/LIMIT on a bare UNION member
      const sql = parts.map(([q], i) => `SELECT * FROM (${q}) n${i}`).join(' UNION ALL ');
      return em.query(
        sql,
        parts.flatMap(([, ps]) => ps),
      ) as Promise<{ error: string; at: Date | string }[]>;
    });
    const newest = rows.sort((a, b) => +new Date(b.at) - +new Date(a.at))[0];
    return newest?.error ?? null;
  }

  events(projectId: string, afterSeq: number): Promise<ProjectEventEntity[]> {
    return this.db.read((em) =>
      em
        .createQueryBuilder(ProjectEventEntity, 'e')
        .where('e.project_id = :projectId AND e.seq > :afterSeq', { projectId, afterSeq })
        .orderBy('e.seq', 'ASC')
        .take(100)
        .getMany(),
    );
  }

  /** Every project's events after `afterSeq`, oldest first (the shared live-progress poll). */
  eventsSince(afterSeq: number, limit: number): Promise<ProjectEventEntity[]> {
    return this.db.read((em) =>
      em
        .createQueryBuilder(ProjectEventEntity, 'e')
        .where('e.seq > :afterSeq', { afterSeq })
        .orderBy('e.seq', 'ASC')
        .limit(limit)
        .getMany(),
    );
  }

  /** The newest event's number (0 when there is none): where the shared poll starts. */
  async latestEventSeq(): Promise<number> {
    const row = await this.db.read((em) =>
      em
        .createQueryBuilder(ProjectEventEntity, 'e')
        .select('MAX(e.seq)', 'seq')
        .getRawOne<{ seq: number | string | null }>(),
    );
    return Number(row?.seq ?? 0);
  }

  /** What caused the project's latest state change (a step, or a person's action). */
  async lastChangeBy(projectId: string): Promise<string | null> {
    const e = await this.db.read((em) =>
      em
        .createQueryBuilder(ProjectEventEntity, 'e')
        .select(['e.step'])
        .where('e.project_id = :projectId', { projectId })
        .orderBy('e.seq', 'DESC')
        .getOne(),
    );
    return e?.step ?? null;
  }

  /**
   * How the given steps fared since a moment (provider health): runs that went on or failed,
   * projects now retrying after a provider error, and the latest provider error.
   */
  async stepHealth(steps: StepName[], since: Date): Promise<WorkHealth> {
    const states = steps.map((s) => STEPS[s].from);
    const counts = await this.db.read(async (em) => {
      // a step that ran and moved its project on is timed; progress reports are not
      const events = (failed: boolean) =>
        em
          .createQueryBuilder(ProjectEventEntity, 'e')
          .where(
            failed
              ? "e.step IN (:...steps) AND e.at >= :since AND e.to_state = 'FAILED'"
              : "e.step IN (:...steps) AND e.at >= :since AND e.to_state <> 'FAILED' AND e.duration_ms IS NOT NULL",
            {
              steps,
              since,
            },
          )
          .getCount();
      const [succeeded, failed, retrying] = await Promise.all([
        events(false),
        events(true),
        em
          .createQueryBuilder(ProjectEntity, 'p')
          .where(
            'p.state IN (:...states) AND p.step_attempts > 0 AND p.last_provider_error IS NOT NULL',
            { states },
          )
          .getCount(),
      ]);
      return { succeeded, failed, retrying };
    });
    return { ...counts, lastError: await this.lastProviderError(states, steps) };
  }

  /** Median duration of a step over its last runs, for ETAs. */
  async typicalStepMs(step: string, sample = 20): Promise<number | null> {
    const rows = await this.db.read((em) =>
      em
        .createQueryBuilder(ProjectEventEntity, 'e')
        .select('e.duration_ms', 'd')
        .where('e.step = :step AND e.duration_ms IS NOT NULL', { step })
        .orderBy('e.at', 'DESC')
        .limit(sample)
        .getRawMany<{ d: number }>(),
    );
    if (rows.length === 0) return null;
    const ds = rows.map((r) => Number(r.d)).sort((a, b) => a - b);
    return ds[Math.floor(ds.length / 2)];
  }

  /** A project and everything it made (its place in its day's quota with it). */
  async delete(id: string): Promise<void> {
    await this.db.transaction(async (em) => {
      for (const table of ['project_events', 'lyrics', 'songs', 'videos', 'sns_uploads'])
        await em.query(`DELETE FROM ${table} WHERE project_id = ?`, [id]);
      await em.delete(ProjectEntity, { id });
    });
  }
}

/** The column that says whose a project is, and its value: a user's or a partner's. */
const ownerKey = (owner: Owner): [string, string] =>
  owner.ownerUserId ? ['owner_user_id', owner.ownerUserId] : ['partner_id', owner.partnerId!];
/** What asking for a new project came to. */
export type CreatedProject =
  { kind: 'created'; project: ProjectEntity } | { kind: 'no_store' } | { kind: 'over_quota' };

/** Beyond a small limit, how many taken places are tried before the error stands. */
const MAX_SLOT_ATTEMPTS = 16;

/** A unique index refused the row (MySQL/MariaDB ER_DUP_ENTRY, SQLite's UNIQUE constraint). */
function isUniqueViolation(err: unknown): boolean {
  const driver = (err as { driverError?: { code?: string } }).driverError;
  return driver?.code === 'ER_DUP_ENTRY' || driver?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Runs of one kind of work in a window, for provider health. */
export interface WorkHealth {
  succeeded: number;
  failed: number;
  retrying: number;
  lastError: string | null;
}
