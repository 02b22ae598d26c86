import { Injectable } from '@nestjs/common';
import {
  LyricsEngine,
  SongEngine,
  StoreSearch,
  VideoPublishers,
  VideoRenderer,
} from '@app/integrations';
import { AppConfig } from '../config/app-config';
import { STEPS, StepName } from '../pipeline/project-state';
import { quotaWindow } from '../pipeline/quota-window';
import { UsageRepository } from '../pipeline/usage.repository';
import { PipelineHealthRepository } from '../pipeline/pipeline-health.repository';
import { PublicationRepository } from '../social/publication.repository';

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
    private readonly pipelineHealth: PipelineHealthRepository,
    private readonly publications: PublicationRepository,
    private readonly usage: UsageRepository,
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
      const { succeeded, failed, retrying, lastError } = await this.pipelineHealth.stepHealth(
        steps,
        since,
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
      const { succeeded, failed, retrying, lastError } = await this.publications.health(
        platform,
        since,
      );
      out.push({
        area: 'publish',
        engine: platform,
        status: status(succeeded, failed, retrying),
        succeeded,
        failed,
        retrying,
        lastError,
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
