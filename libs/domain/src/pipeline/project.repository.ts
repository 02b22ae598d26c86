import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { DatabaseRouter } from '../database/database-router';
import { recordCreated } from '../idempotency/idempotency.repository';
import { EntityRows } from '../database/entity-rows';
import { newestFirstAfter } from '../database/keyset';
import { ProjectEntity } from '../entities/project.entity';
import { Owner, ownerKey } from '../stores/owner';
import { LeasedTable } from '../work/leased-table';
import { endsRerender, presentedStateSql } from './presented-state';
import { PROJECT_LISTING_COLUMNS, ProjectListing } from './project-listing';
import { ProjectEventRepository } from './project-event.repository';
import { assertTransition, ProjectState, TransitionCause } from './project-state';
import { startsReportedRun } from './step-progress';

/** What may change beside a transition; the state itself changes only through `transition()`. */
export type ProjectPatch = Partial<Omit<ProjectEntity, 'id' | 'createdAt' | 'state'>>;

/** A project with no step run in flight: no lease, no submission pending, no error of a run. */
export const NO_RUN_IN_FLIGHT = {
  leaseOwner: null,
  leaseUntil: null,
  lastError: null,
  lastProviderError: null,
  waitReason: null,
  stepStartedAt: null,
  pendingSubmissionKey: null,
  pendingSubmissionAt: null,
} as const satisfies ProjectPatch;

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

/**
 * The project rows: reads, claims and leases of due work, fenced writes of a step's result,
 * and `transition()`, the one way a project's state changes (it writes its event in the same
 * transaction). The event log, the daily quota and the health reads have repositories of their
 * own (project-event, daily-quota, pipeline-health).
 */
@Injectable()
export class ProjectRepository {
  private readonly leases: LeasedTable<ProjectEntity>;
  private readonly rows: EntityRows<ProjectEntity>;
  private readonly listings: EntityRows<ProjectListing>;

  constructor(
    private readonly db: DatabaseRouter,
    private readonly events: ProjectEventRepository,
  ) {
    this.leases = new LeasedTable(db, ProjectEntity, 'projects', 'p');
    this.rows = new EntityRows(db.dataSource, ProjectEntity, 'p');
    this.listings = new EntityRows<ProjectListing>(db.dataSource, ProjectEntity, 'p', [
      ...PROJECT_LISTING_COLUMNS,
    ]);
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
   * newestFirstAfter), as lists show them (ProjectListing's columns only). Raw SQL with a fixed
   * column list: the API's list route.
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
  ): Promise<ProjectListing[]> {
    const [ownerColumn, ownerId] = ownerKey(owner);
    const where = [`p.${ownerColumn} = :owner`];
    if (opts.states?.length) where.push(presentedStateSql(opts.states));
    if (opts.withVideo) where.push('EXISTS (SELECT 1 FROM videos v WHERE v.project_id = p.id)');
    if (opts.after)
      where.push('(p.created_at < :cursorAt OR (p.created_at = :cursorAt AND p.id < :cursorId))');
    const sql =
      `SELECT ${this.listings.columns} FROM projects p WHERE ${where.join(' AND ')}` +
      ' ORDER BY p.created_at DESC, p.id DESC LIMIT :limit';
    return this.db.read((em) =>
      this.listings.query(em, sql, {
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
      if (opts.states?.length) q.andWhere(presentedStateSql(opts.states), { states: opts.states });
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
   * A person's action made with an Idempotency-Key (a remake) is recorded with the key in that
   * transaction too, so a crash after it cannot make the retry run (and pay for) it again.
   */
  async transition(id: string, t: Transition): Promise<boolean> {
    assertTransition(t.from, t.to, t.cause);
    return this.db.transaction(async (em) => {
      // raw SQL like the claims (EntityRows.update, ProjectEventRepository.appendRaw): every
      // step ends here, and the query builder was a good part of the scheduler's CPU
      const fenced = t.leaseOwner ? ' AND lease_owner = ?' : '';
      const changed = await this.rows.update(
        em,
        {
          // a re-render ends once the project is DONE again (see endsRerender)
          ...(endsRerender(t.to) ? { rerendering: false } : {}),
          // a new run of the render: the last one's report no longer counts (see reportPercent)
          ...(startsReportedRun(t.from, t.to) ? { reportPercent: null } : {}),
          ...t.patch,
          state: t.to,
          updatedAt: new Date(),
        },
        `id = ? AND state = ?${fenced}`,
        t.leaseOwner ? [id, t.from, t.leaseOwner] : [id, t.from],
      );
      if (changed !== 1) return false;
      await this.events.appendRaw(em, {
        projectId: id,
        fromState: t.from,
        toState: t.to,
        step: t.step === undefined ? t.cause : t.step,
        durationMs: t.durationMs ?? null,
        message: t.message ?? null,
        percent: null,
        at: new Date(),
      });
      await recordCreated(em, 'project', [id]);
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

  /** The instance ids holding live claims (see LeasedTable.claimHolders). */
  claimHolders(): Promise<string[]> {
    return this.leases.claimHolders();
  }

  /** Gives back every step claimed by a scheduler known to be dead. */
  releaseClaimsOf(instanceId: string): Promise<number> {
    return this.leases.releaseClaimsOf(instanceId);
  }

  /** The heartbeat of a running step: false when another worker took the project over. */
  extendLease(id: string, leaseOwner: string, leaseMs: number): Promise<boolean> {
    return this.leases.extendLease(id, leaseOwner, leaseMs);
  }

  /**
   * The owner's go-ahead at a stop (the next step due now, maybe with new options), guarded on
   * the state: in one transaction with the request's Idempotency-Key outcome (recordCreated),
   * so a retry after a crash past this commit finds it. False when the project moved meanwhile.
   */
  async goAhead(id: string, state: ProjectState, patch: ProjectPatch): Promise<boolean> {
    return this.db.transaction(async (em) => {
      const r = await em.update(ProjectEntity, { id, state }, { ...patch, updatedAt: new Date() });
      if ((r.affected ?? 0) !== 1) return false;
      await recordCreated(em, 'project', [id]);
      return true;
    });
  }

  /** A person's action that keeps the state (wake the next step, new options): guarded on it. */
  async updateIfState(id: string, expected: ProjectState, patch: ProjectPatch): Promise<boolean> {
    const r = await this.db.write((em) =>
      em.update(ProjectEntity, { id, state: expected }, { ...patch, updatedAt: new Date() }),
    );
    return (r.affected ?? 0) === 1;
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

  /** A project and everything it made (its place in its day's quota with it). */
  async delete(id: string): Promise<void> {
    await this.db.transaction(async (em) => {
      for (const table of ['project_events', 'lyrics', 'songs', 'videos', 'sns_uploads'])
        await em.query(`DELETE FROM ${table} WHERE project_id = ?`, [id]);
      await em.delete(ProjectEntity, { id });
    });
  }
}
