import { Injectable } from '@nestjs/common';
import {
  LyricsEngine,
  SongEngine,
  StoreSearch,
  VideoPublishers,
  VideoRenderer,
} from '@app/integrations';
import { AppConfig } from '../config/app-config';
import { DatabaseRouter } from '../database/database-router';
import { ProjectEntity } from '../entities/project.entity';
import { ProjectEventEntity } from '../entities/project-event.entity';
import { SnsUploadEntity } from '../entities/social.entity';
import { ProjectRepository } from './project.repository';
import { STEPS, StepName } from './project-state';
import { quotaWindow } from './quota-window';
import { UsageRepository } from './usage.repository';

export interface ProviderHealth {
  area: 'lyrics' | 'song' | 'video' | 'search' | 'publish';
  engine: string;
  status: 'ok' | 'degraded' | 'failing' | 'idle';
  /** steps (or publications) that finished in the window */
  succeeded: number;
  /** projects (or publications) that failed for good in the window */
  failed: number;
  /** waiting to retry after a provider error right now */
  retrying: number;
  lastError: string | null;
  spentTodayUsd: number | null;
  dailyBudgetUsd: number | null;
}

const WINDOW_MS = 24 * 3600_000;

/**
 * How each outside provider is doing, from what the pipeline recorded (no probe calls:
 * the paid ones would cost money): successes and failures in the last 24 hours, projects
 * retrying after a provider error now, and today's spend against the daily budget.
 */
@Injectable()
export class ProviderHealthService {
  constructor(
    private readonly config: AppConfig,
    private readonly db: DatabaseRouter,
    private readonly usage: UsageRepository,
    private readonly projects: ProjectRepository,
    private readonly lyrics: LyricsEngine,
    private readonly song: SongEngine,
    private readonly video: VideoRenderer,
    private readonly search: StoreSearch,
    private readonly publishers: VideoPublishers,
  ) {}

  async report(now = new Date()): Promise<ProviderHealth[]> {
    const since = new Date(now.getTime() - WINDOW_MS);
    const dayStart = quotaWindow(now).since;
    const areas: [ProviderHealth['area'], string][] = [
      ['lyrics', this.lyrics.name],
      ['song', this.song.name],
      ['video', this.video.name],
    ];
    const out: ProviderHealth[] = [];
    for (const [area, engine] of areas) {
      const steps = (Object.keys(STEPS) as StepName[]).filter((s) => STEPS[s].provider === area);
      const [succeeded, failed, retrying] = await this.db.read((em) =>
        Promise.all([
          em
            .createQueryBuilder(ProjectEventEntity, 'e')
            // a step that ran and moved its project on is timed; progress reports are not
            .where(
              'e.step IN (:...steps) AND e.at >= :since AND e.to_state <> :failed AND e.duration_ms IS NOT NULL',
              { steps, since, failed: 'FAILED' },
            )
            .getCount(),
          em
            .createQueryBuilder(ProjectEventEntity, 'e')
            .where('e.step IN (:...steps) AND e.at >= :since AND e.to_state = :failed', {
              steps,
              since,
              failed: 'FAILED',
            })
            .getCount(),
          em
            .createQueryBuilder(ProjectEntity, 'p')
            .where(
              'p.state IN (:...states) AND p.step_attempts > 0 AND p.last_provider_error IS NOT NULL',
              { states: steps.map((s) => STEPS[s].from) },
            )
            .getCount(),
        ]),
      );
      const lastError = await this.projects.lastProviderError(
        steps.map((s) => STEPS[s].from),
        steps,
      );
      out.push(
        await this.withBudget(
          {
            area,
            engine,
            status: status(succeeded, failed, retrying),
            succeeded,
            failed,
            retrying,
            lastError,
          },
          engine,
          dayStart,
        ),
      );
    }
    // searches run in API instances: what this one saw last (Naver's raw answer included)
    const searchFailure = this.search.lastFailure;
    out.push({
      area: 'search',
      engine: this.search.name,
      status:
        searchFailure && now.getTime() - searchFailure.at.getTime() < WINDOW_MS
          ? 'degraded'
          : 'idle',
      succeeded: 0,
      failed: 0,
      retrying: 0,
      lastError: searchFailure
        ? `${searchFailure.message}${searchFailure.detail ? ` (${searchFailure.detail})` : ''}`
        : null,
      spentTodayUsd: null,
      dailyBudgetUsd: null,
    });
    for (const platform of this.publishers.platforms) {
      const rows = await this.db.read((em) =>
        em
          .createQueryBuilder(SnsUploadEntity, 'u')
          .select('u.state', 'state')
          .addSelect('COUNT(*)', 'n')
          .addSelect('MAX(u.last_error)', 'err')
          .where('u.platform = :platform AND u.updated_at >= :since', { platform, since })
          .groupBy('u.state')
          .getRawMany<{ state: string; n: number | string; err: string | null }>(),
      );
      const n = (s: string) => Number(rows.find((r) => r.state === s)?.n ?? 0);
      const retrying = await this.db.read((em) =>
        em
          .createQueryBuilder(SnsUploadEntity, 'u')
          .where(
            "u.platform = :platform AND u.state IN ('queued', 'processing') AND u.last_error IS NOT NULL",
            { platform },
          )
          .getCount(),
      );
      out.push({
        area: 'publish',
        engine: platform,
        status: status(n('published'), n('failed'), retrying),
        succeeded: n('published'),
        failed: n('failed'),
        retrying,
        lastError: rows.find((r) => r.err)?.err ?? null,
        spentTodayUsd: null,
        dailyBudgetUsd: null,
      });
    }
    return out;
  }

  private async withBudget(
    h: Omit<ProviderHealth, 'spentTodayUsd' | 'dailyBudgetUsd'>,
    provider: string,
    dayStart: Date,
  ): Promise<ProviderHealth> {
    const budget = this.config.dailyBudgetUsd[provider];
    return {
      ...h,
      spentTodayUsd: await this.usage.spentSince(provider, dayStart),
      dailyBudgetUsd: budget ?? null,
    };
  }
}

function status(succeeded: number, failed: number, retrying: number): ProviderHealth['status'] {
  if (succeeded === 0 && failed === 0 && retrying === 0) return 'idle';
  if (succeeded === 0) return 'failing';
  return failed > 0 || retrying > 0 ? 'degraded' : 'ok';
}
