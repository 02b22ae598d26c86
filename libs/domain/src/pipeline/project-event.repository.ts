import { Injectable } from '@nestjs/common';
import { EntityManager, QueryRunner } from 'typeorm';
import { BroadcasterResult } from 'typeorm/subscriber/BroadcasterResult';
import { DatabaseRouter } from '../database/database-router';
import { execute, sqlTime } from '../database/raw-sql';
import { ProjectEntity } from '../entities/project.entity';
import { ProjectEventEntity } from '../entities/project-event.entity';
import { ProjectState } from './project-state';

/** An event as its writer gives it: the log numbers it. */
export type NewProjectEvent = Omit<ProjectEventEntity, 'seq'>;

/**
 * The project event log: every change of state (written by ProjectRepository.transition() in
 * its transaction), a running step's progress, and the reads of the log (progress, live feed).
 */
@Injectable()
export class ProjectEventRepository {
  constructor(private readonly db: DatabaseRouter) {}

  /**
   * One event inside the caller's transaction (a transition writes its event with its UPDATE),
   * with raw SQL, handed to the event subscribers (live progress, once the transaction commits)
   * as em.insert() hands it, without building the INSERT on every call.
   */
  async appendRaw(em: EntityManager, e: NewProjectEvent): Promise<void> {
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
    await this.announce(em.queryRunner!, { ...e, seq: insertId });
  }

  /**
   * An event written by raw SQL on `runner`, handed to the event subscribers (live progress:
   * at once when no transaction is open on it, else once it commits) as em.insert() hands it.
   */
  async announce(runner: QueryRunner, e: ProjectEventEntity): Promise<void> {
    const told = new BroadcasterResult();
    runner.broadcaster.broadcastAfterInsertEvent(
      told,
      runner.connection.getMetadata(ProjectEventEntity),
      e,
    );
    await told.wait();
  }

  /**
   * A running step's progress (a render's percent), as an event that changes no state:
   * written only while `leaseOwner` still holds the project (a taken-over step reports nothing).
   * The project row's `updated_at` is the fence; its state is never written here. The row keeps
   * the report's percent (`reportPercent`), so reads of the project need not look for it.
   */
  async recordProgress(
    id: string,
    leaseOwner: string,
    report: { state: ProjectState; step: string; percent: number; message?: string },
  ): Promise<boolean> {
    return this.db.transaction(async (em) => {
      const now = new Date();
      const r = await em.update(
        ProjectEntity,
        { id, leaseOwner },
        { updatedAt: now, reportPercent: report.percent },
      );
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

  /**
   * The project's newest progress report since it last entered `state` (a report of this run),
   * or null when none came since.
   */
  latestReportSince(projectId: string, state: ProjectState): Promise<ProjectEventEntity | null> {
    return this.db.read((em) => {
      const entered = em
        .createQueryBuilder(ProjectEventEntity, 's')
        .select('COALESCE(MAX(s.seq), 0)')
        .where('s.project_id = :projectId AND s.to_state = :state AND s.from_state <> :state');
      return em
        .createQueryBuilder(ProjectEventEntity, 'e')
        .where('e.project_id = :projectId AND e.percent IS NOT NULL')
        .andWhere(`e.seq > (${entered.getQuery()})`)
        .setParameters({ projectId, state })
        .orderBy('e.seq', 'DESC')
        .limit(1)
        .getOne();
    });
  }

  /** One project's events after `afterSeq`, oldest first, a page of 100. */
  events(projectId: string, afterSeq: number): Promise<ProjectEventEntity[]> {
    const where = 'e.project_id = :projectId AND e.seq > :afterSeq';
    return this.db.read((em) =>
      this.oldestFirst(em, where, { projectId, afterSeq }).take(100).getMany(),
    );
  }

  /** Every project's events after `afterSeq`, oldest first (the shared live-progress poll). */
  eventsSince(afterSeq: number, limit: number): Promise<ProjectEventEntity[]> {
    return this.db.read((em) =>
      this.oldestFirst(em, 'e.seq > :afterSeq', { afterSeq }).limit(limit).getMany(),
    );
  }

  private oldestFirst(em: EntityManager, where: string, params: Record<string, unknown>) {
    return em
      .createQueryBuilder(ProjectEventEntity, 'e')
      .where(where, params)
      .orderBy('e.seq', 'ASC');
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

  /** The number of the project's newest event caused by `cause` (a step or an action), or null. */
  async latestSeqBy(projectId: string, cause: string): Promise<number | null> {
    const row = await this.db.read((em) =>
      em
        .createQueryBuilder(ProjectEventEntity, 'e')
        .select('MAX(e.seq)', 'seq')
        .where('e.project_id = :projectId AND e.step = :cause', { projectId, cause })
        .getRawOne<{ seq: number | string | null }>(),
    );
    return row?.seq == null ? null : Number(row.seq);
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
}
