import { Injectable } from '@nestjs/common';
import { newSecret } from '../accounts/secrets';
import { DatabaseRouter } from '../database/database-router';
import { execute, isSqlite, sqlTime } from '../database/raw-sql';
import { timeOrderedId } from '../database/time-ordered-id';
import { ProjectEntity, ProjectOptions } from '../entities/project.entity';
import { recordCreated } from '../idempotency/idempotency.repository';
import { IdempotencyScope } from '../idempotency/idempotency-scope';
import { Owner, ownerKey } from '../stores/owner';
import { NewProjectEvent, ProjectEventRepository } from './project-event.repository';
import { NO_RUN_IN_FLIGHT } from './project.repository';
import { pickFreeSlot, takeQuotaPlace } from './quota-slots';

/** What asking for a new project came to. */
export type CreatedProject =
  { kind: 'created'; project: ProjectEntity } | { kind: 'no_store' } | { kind: 'over_quota' };

/** What a new project is made of. */
export interface NewProject {
  owner: Owner;
  storeId: string;
  autopilot: boolean;
  options: ProjectOptions;
}

/**
 * The owners' daily quota of new projects: each new project holds one of its owner's places of
 * its day (`quota_day`, `quota_slot`, unique per owner), taken by the INSERT that creates it.
 */
@Injectable()
export class DailyQuotaRepository {
  constructor(
    private readonly db: DatabaseRouter,
    private readonly events: ProjectEventRepository,
  ) {}

  /**
   * A new project (DRAFT) with its first event, for a store of the owner's, within their daily
   * quota: one transaction of two INSERTs. The project's INSERT is the check of both: it reads
   * the store with the owner's id (no row written when it is not theirs), and it takes one of
   * the owner's `limit` places of the day (see takeQuotaPlace).
   */
  async createWithinQuota(
    input: NewProject,
    quota: { day: string; limit: number },
  ): Promise<CreatedProject> {
    const r = await takeQuotaPlace(quota.limit, {
      takeAt: (slot) => this.insertNew(input, quota.day, slot),
      freeSlot: () => this.freeSlot(input.owner, quota.day, quota.limit),
    });
    if (!r.placed) return { kind: 'over_quota' };
    return r.value ? { kind: 'created', project: r.value } : { kind: 'no_store' };
  }

  /** The INSERTs of a new project and its first event; null when the store is not the owner's. */
  private insertNew(input: NewProject, day: string, slot: number): Promise<ProjectEntity | null> {
    const p = newProject(input, day, slot, new Date());
    // an Idempotency-Key is completed in the creating transaction (recordCreated): not in a CALL
    if (!isSqlite(this.db.dataSource) && !IdempotencyScope.current()) return this.callCreate(p);
    const [ownerColumn, ownerId] = ownerKey(input.owner);
    return this.db.transaction(async (em) => {
      const at = sqlTime(em, p.createdAt);
      // the columns a new project sets (every other one is NULL or its default), from the owner's
      // store row; create_project (MySQL/MariaDB, see its migration) writes the same
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
      await this.events.appendRaw(em, firstEvent(p));
      await recordCreated(em, 'project', [p.id]);
      return p;
    });
  }

  /**
   * The same two INSERTs in one round trip on MySQL/MariaDB: CALL create_project, which runs
   * them in a transaction of its own and answers the event's number (null: not the owner's
   * store, nothing written). Its unique violations and deadlocks reach here as the INSERT's.
   */
  private callCreate(p: ProjectEntity): Promise<ProjectEntity | null> {
    const event = firstEvent(p);
    return this.db.write(async (em) => {
      const runner = em.connection.createQueryRunner('master');
      try {
        const [rows] = (await runner.query('CALL create_project(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
          p.id,
          p.ownerUserId,
          p.partnerId,
          p.storeId,
          p.autopilot,
          JSON.stringify(p.options),
          p.createdAt,
          p.callbackToken,
          p.quotaDay,
          p.quotaSlot,
          event.message,
        ])) as [{ seq: number | string | null }[]];
        const seq = rows[0]?.seq ?? null;
        if (seq === null) return null;
        // committed already: live progress has it at once
        await this.events.announce(runner, { ...event, seq: Number(seq) });
        return p;
      } finally {
        await runner.release();
      }
    });
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
    return pickFreeSlot(
      rows.map((r) => Number(r.slot)),
      limit,
    );
  }
}

/** A new project's first event: created, in DRAFT. */
function firstEvent(p: ProjectEntity): NewProjectEvent {
  return {
    projectId: p.id,
    fromState: 'DRAFT',
    toState: 'DRAFT',
    step: null,
    durationMs: null,
    message: 'created',
    percent: null,
    at: p.createdAt,
  };
}

/**
 * A new project as its INSERT writes it: DRAFT, due now, holding place `slot` of `day`. Its id
 * is time-ordered, so the project's primary key and the event log's (project_id, seq) index
 * take each new project at their end (timeOrderedId).
 */
function newProject(input: NewProject, day: string, slot: number, now: Date): ProjectEntity {
  return {
    id: timeOrderedId(now),
    ...input.owner,
    storeId: input.storeId,
    state: 'DRAFT',
    step: null,
    stepAttempts: 0,
    retries: 0,
    autopilot: input.autopilot,
    rerendering: false,
    reportPercent: null,
    options: input.options,
    nextRunAt: now,
    ...NO_RUN_IN_FLIGHT,
    songTaskId: null,
    videoTaskId: null,
    callbackToken: newSecret(24),
    quotaDay: day,
    quotaSlot: slot,
    createdAt: now,
    updatedAt: now,
  };
}
