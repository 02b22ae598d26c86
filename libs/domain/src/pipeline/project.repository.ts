import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { DatabaseRouter } from '../database/database-router';
import { newestFirstAfter } from '../database/keyset';
import { ProjectEntity, ProjectOptions } from '../entities/project.entity';
import { ProjectEventEntity } from '../entities/project-event.entity';
import { Owner } from '../stores/owner';
import { ProjectState } from './project-state';

export type ProjectPatch = Partial<Omit<ProjectEntity, 'id' | 'createdAt'>>;

@Injectable()
export class ProjectRepository {
  constructor(private readonly db: DatabaseRouter) {}

  async create(input: {
    owner: Owner;
    storeId: string;
    autopilot: boolean;
    options: ProjectOptions;
  }): Promise<ProjectEntity> {
    return this.db.transaction(async (em) => {
      const now = new Date();
      const p = em.create(ProjectEntity, {
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
        stepStartedAt: null,
        pendingSubmissionKey: null,
        pendingSubmissionAt: null,
        songTaskId: null,
        videoTaskId: null,
        callbackToken: randomBytes(24).toString('base64url'),
      });
      // every column is given: no look-up first (save) and no re-read of the defaults after
      await em
        .createQueryBuilder()
        .insert()
        .into(ProjectEntity)
        .values(p)
        .updateEntity(false)
        .execute();
      await em.insert(ProjectEventEntity, {
        projectId: p.id,
        fromState: 'DRAFT',
        toState: 'DRAFT',
        step: null,
        durationMs: null,
        message: 'created',
        at: now,
      });
      return p;
    });
  }

  /** Read on the primary: the pipeline's own reads must see its latest writes. */
  findById(id: string): Promise<ProjectEntity | null> {
    return this.db.readPrimary((em) => em.findOne(ProjectEntity, { where: { id } }));
  }

  /** `primary` for actions on the project: a replica may not have its latest state yet. */
  findOwned(
    id: string,
    owner: Owner,
    opts: { primary?: boolean } = {},
  ): Promise<ProjectEntity | null> {
    const where = owner.ownerUserId
      ? { id, ownerUserId: owner.ownerUserId }
      : { id, partnerId: owner.partnerId! };
    return this.db.read(
      (em) => em.findOne(ProjectEntity, { where }),
      opts.primary ? 'primary' : 'replica',
    );
  }

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
    return this.db.read((em) => {
      const q = em.createQueryBuilder(ProjectEntity, 'p');
      if (owner.ownerUserId) q.where('p.owner_user_id = :o', { o: owner.ownerUserId });
      else q.where('p.partner_id = :pt', { pt: owner.partnerId });
      if (opts.states?.length) q.andWhere('p.state IN (:...states)', { states: opts.states });
      if (opts.withVideo) q.andWhere('EXISTS (SELECT 1 FROM videos v WHERE v.project_id = p.id)');
      const after = opts.after;
      return newestFirstAfter(q, 'p', after, opts.limit).getMany();
    });
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

  countCreatedSince(owner: Owner, since: Date): Promise<number> {
    return this.db.readPrimary((em) => {
      const q = em
        .createQueryBuilder(ProjectEntity, 'p')
        .where('p.created_at >= :since', { since });
      if (owner.ownerUserId) q.andWhere('p.owner_user_id = :o', { o: owner.ownerUserId });
      else q.andWhere('p.partner_id = :pt', { pt: owner.partnerId });
      return q.getCount();
    });
  }

  /**
   * Claims up to `limit` due projects in the given states for `owner` until `until`, oldest
   * due first. MySQL: one locking read per state (FOR UPDATE SKIP LOCKED, joined by UNION ALL),
   * each walking ix_projects_state_due in next_run_at order and stopping at its LIMIT: it reads
   * and locks at most `limit` due rows per state, until its commit, and claims the oldest
   * `limit` of them (an IN over two states would lock every due row of both to sort them).
   * SQLite: one guarded UPDATE.
   */
  async claimDue(
    owner: string,
    states: string[],
    limit: number,
    leaseMs: number,
    now = new Date(),
  ): Promise<ClaimedProject[]> {
    if (limit <= 0 || states.length === 0) return [];
    const until = new Date(now.getTime() + leaseMs);
    return this.db.transaction(
      async (em) => {
        if (em.connection.options.type === 'better-sqlite3') {
          const [sql, params] = this.dueQuery(em, states, now)
            .select('p.id', 'id')
            .orderBy('p.next_run_at', 'ASC')
            .limit(limit)
            .getQueryAndParameters();
          await em.query(
            `UPDATE projects SET lease_owner = ?, lease_until = ? WHERE id IN (${sql})`,
            [owner, toSqlite(until), ...params],
          );
          const rows: RawClaim[] = await em.query(
            'SELECT id, state, step_attempts, retries FROM projects WHERE lease_owner = ? AND lease_until = ?',
            [owner, toSqlite(until)],
          );
          return rows.map(claimed);
        }
        const [sql, params] = this.claimQuery(em, states, limit, now);
        const rows = ((await em.query(sql, params)) as (RawClaim & { next_run_at: Date })[])
          .sort((a, b) => +new Date(a.next_run_at) - +new Date(b.next_run_at))
          .slice(0, limit);
        if (rows.length)
          await em.update(
            ProjectEntity,
            { id: In(rows.map((r) => r.id)) },
            { leaseOwner: owner, leaseUntil: until },
          );
        return rows.map(claimed);
      },
      { readCommitted: true },
    );
  }

  /** The due-work query, also used to check its plan. */
  dueQuery(em: EntityManager, states: string[], now: Date) {
    return em
      .createQueryBuilder(ProjectEntity, 'p')
      .where('p.next_run_at <= :now', { now })
      .andWhere('(p.lease_until IS NULL OR p.lease_until < :now)', { now })
      .andWhere('p.state IN (:...states)', { states });
  }

  /** MySQL's locking claim read (see claimDue), also used to check its plan. */
  claimQuery(
    em: EntityManager,
    states: string[],
    limit: number,
    now: Date,
  ): [sql: string, params: unknown[]] {
    const parts = states.map((state) =>
      this.dueQuery(em, [state], now)
        .select('p.id', 'id')
        .addSelect('p.state', 'state')
        .addSelect('p.step_attempts', 'step_attempts')
        .addSelect('p.retries', 'retries')
        .addSelect('p.next_run_at', 'next_run_at')
        .orderBy('p.next_run_at', 'ASC')
        .limit(limit)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getQueryAndParameters(),
    );
    return [parts.map(([sql]) => `(${sql})`).join(' UNION ALL '), parts.flatMap(([, p]) => p)];
  }

  /**
   * Writes a step's result only if this worker still holds the lease (a fencing check): a
   * worker whose lease expired and was taken over cannot overwrite the new holder's work.
   */
  async updateIfLeased(
    id: string,
    leaseOwner: string,
    patch: ProjectPatch,
    event?: {
      from: ProjectState;
      to: ProjectState;
      step: string | null;
      durationMs: number | null;
      message?: string;
    },
  ): Promise<boolean> {
    return this.db.transaction(async (em) => {
      const r = await em.update(
        ProjectEntity,
        { id, leaseOwner },
        { ...patch, updatedAt: new Date() },
      );
      if ((r.affected ?? 0) !== 1) return false;
      if (event)
        await em.insert(ProjectEventEntity, {
          projectId: id,
          fromState: event.from,
          toState: event.to,
          step: event.step,
          durationMs: event.durationMs,
          message: event.message ?? null,
          at: new Date(),
        });
      return true;
    });
  }

  /**
   * Gives back every step claimed by a scheduler known to be dead (claim tokens are
   * `<instance id>:<random>`): its projects are claimable now, not when their leases run out.
   */
  async releaseClaimsOf(instanceId: string): Promise<number> {
    // a prefix compare, not LIKE: instance ids may hold LIKE's wildcards, SQLite has no default escape
    const prefix = `${instanceId}:`;
    const r = await this.db.write((em) =>
      em
        .createQueryBuilder()
        .update(ProjectEntity)
        .set({ leaseOwner: null, leaseUntil: null })
        // only leased rows (ix_projects_lease_until), not a scan that locks every project
        .where('lease_until IS NOT NULL')
        .andWhere('SUBSTR(lease_owner, 1, :len) = :prefix', { len: prefix.length, prefix })
        .execute(),
    );
    return r.affected ?? 0;
  }

  /**
   * The heartbeat of a running step: pushes the lease out while its holder still has it.
   * False when another worker took the project over (the lease had run out).
   */
  async extendLease(id: string, leaseOwner: string, leaseMs: number): Promise<boolean> {
    const r = await this.db.write((em) =>
      em.update(ProjectEntity, { id, leaseOwner }, { leaseUntil: new Date(Date.now() + leaseMs) }),
    );
    return (r.affected ?? 0) === 1;
  }

  /** A person's action (approve, retry, cancel): guarded on the state it expects. */
  async updateIfState(
    id: string,
    expected: ProjectState[],
    patch: ProjectPatch,
    event?: { from: ProjectState; to: ProjectState; step: string | null; message?: string },
  ): Promise<boolean> {
    return this.db.transaction(async (em) => {
      const r = await em.update(
        ProjectEntity,
        { id, state: In(expected) },
        { ...patch, updatedAt: new Date() },
      );
      if ((r.affected ?? 0) !== 1) return false;
      if (event)
        await em.insert(ProjectEventEntity, {
          projectId: id,
          fromState: event.from,
          toState: event.to,
          step: event.step,
          durationMs: null,
          message: event.message ?? null,
          at: new Date(),
        });
      return true;
    });
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
  latestEvent(
    projectId: string,
    from: 'primary' | 'replica' = 'replica',
  ): Promise<ProjectEventEntity | null> {
    return this.db.read(
      (em) =>
        em
          .createQueryBuilder(ProjectEventEntity, 'e')
          .where('e.project_id = :projectId', { projectId })
          .orderBy('e.seq', 'DESC')
          .limit(1)
          .getOne(),
      from,
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
    return this.db.readPrimary((em) => {
      const q = em.createQueryBuilder(ProjectEntity, 'p').where('1 = 1');
      if (filter.ids?.length) q.andWhere('p.id IN (:...ids)', { ids: filter.ids });
      if (filter.state) q.andWhere('p.state = :state', { state: filter.state });
      if (filter.since) q.andWhere('p.updated_at >= :since', { since: filter.since });
      return q.orderBy('p.updated_at', 'ASC').take(10_000).getMany();
    });
  }

  /** Housekeeping: leases whose holder died are cleared (the rows were reclaimable anyway). */
  async clearExpiredLeases(now = new Date()): Promise<number> {
    // through ix_projects_lease_until, at READ COMMITTED: only the expired rows are locked, and
    // no gap lock holds up a claim or a new project meanwhile
    const r = await this.db.transaction(
      (em) =>
        em
          .createQueryBuilder()
          .update(ProjectEntity)
          .set({ leaseOwner: null, leaseUntil: null })
          .where('lease_until < :now', { now })
          .execute(),
      { readCommitted: true },
    );
    return r.affected ?? 0;
  }

  /**
   * Housekeeping: projects left waiting for their owner (lyrics to approve, a clip to pick)
   * since `before` are cancelled, with an event saying why.
   */
  async cancelAbandoned(before: Date): Promise<number> {
    return this.db.transaction(async (em) => {
      const rows = await em
        .createQueryBuilder(ProjectEntity, 'p')
        .select(['p.id', 'p.state'])
        .where('p.state IN (:...states)', { states: ['LYRICS_READY', 'SONG_READY'] })
        .andWhere('p.next_run_at IS NULL AND p.updated_at < :before', { before })
        .take(500)
        .getMany();
      const now = new Date();
      for (const r of rows) {
        await em.update(
          ProjectEntity,
          { id: r.id, state: r.state },
          {
            state: 'CANCELLED',
            updatedAt: now,
            lastError: 'cancelled: left waiting for the owner too long',
          },
        );
        await em.insert(ProjectEventEntity, {
          projectId: r.id,
          fromState: r.state,
          toState: 'CANCELLED',
          step: 'cancel',
          durationMs: null,
          message: 'abandoned: waited for the owner too long',
          at: now,
        });
      }
      return rows.length;
    });
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
    return this.db.readPrimary((em) =>
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
    return this.db.readPrimary((em) =>
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
    const row = await this.db.readPrimary((em) =>
      em
        .createQueryBuilder(ProjectEventEntity, 'e')
        .select('MAX(e.seq)', 'seq')
        .getRawOne<{ seq: number | string | null }>(),
    );
    return Number(row?.seq ?? 0);
  }

  /** What caused the project's latest state change (a step, or a person's action). */
  async lastChangeBy(projectId: string): Promise<string | null> {
    const e = await this.db.readPrimary((em) =>
      em
        .createQueryBuilder(ProjectEventEntity, 'e')
        .select(['e.step'])
        .where('e.project_id = :projectId', { projectId })
        .orderBy('e.seq', 'DESC')
        .getOne(),
    );
    return e?.step ?? null;
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

  async delete(id: string): Promise<void> {
    await this.db.transaction(async (em) => {
      for (const table of ['project_events', 'lyrics', 'songs', 'videos', 'sns_uploads'])
        await em.query(`DELETE FROM ${table} WHERE project_id = ?`, [id]);
      await em.delete(ProjectEntity, { id });
    });
  }
}

export interface ClaimedProject {
  id: string;
  state: ProjectState;
  stepAttempts: number;
  retries: number;
}

interface RawClaim {
  id: string;
  state: string;
  step_attempts: number | string;
  retries: number | string;
}

const claimed = (r: RawClaim): ClaimedProject => ({
  id: r.id,
  state: r.state as ProjectState,
  stepAttempts: Number(r.step_attempts),
  retries: Number(r.retries),
});

/** TypeORM's SQLite date format for raw parameters. */
function toSqlite(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}
