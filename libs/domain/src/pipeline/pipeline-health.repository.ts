import { Injectable } from '@nestjs/common';
import { DatabaseRouter } from '../database/database-router';
import { ProjectEntity } from '../entities/project.entity';
import { ProjectEventEntity } from '../entities/project-event.entity';
import { StepName, STEPS } from './project-state';

/** Runs of one kind of work in a window, for provider health. */
export interface WorkHealth {
  succeeded: number;
  failed: number;
  retrying: number;
  lastError: string | null;
}

/** How the pipeline's steps fare, read from the projects and their event log (health, ETAs). */
@Injectable()
export class PipelineHealthRepository {
  constructor(private readonly db: DatabaseRouter) {}

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
}
