import { Injectable } from '@nestjs/common';
import { DEFAULT_VIDEO_TEMPLATE, VideoFigures } from '@app/integrations';
import { VideoReadingEntity } from '../entities/results.entity';
import { Principal } from '../accounts/principal';
import { lengthSecOf, withDefaults } from '../pipeline/project-options';
import { ProjectRepository } from '../pipeline/project.repository';
import { ownedProject } from '../pipeline/use-cases/project-lookup';
import { Clock } from './clock';
import { ComparedVideo, compareVideos, ComparisonGroup } from './results-comparison';
import { figuresOf, PublicationResults, ResultSummaries } from './result-summaries';
import { VideoReadingRepository } from './video-reading.repository';

/** A publication's results with its readings over the period asked. */
export interface PublicationSeries extends PublicationResults {
  readings: (VideoFigures & { readAt: Date })[];
}

/**
 * A video's results for whoever made it (its owner, or the partner whose key made it), and the
 * admins' comparison of what videos were made with.
 */
@Injectable()
export class VideoResultsService {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly readings: VideoReadingRepository,
    private readonly summaries: ResultSummaries,
    private readonly clock: Clock,
  ) {}

  /**
   * The caller's video's results per publication, with the last `days` of readings; someone
   * else's project is not found.
   */
  async forMaker(by: Principal, projectId: string, days: number): Promise<PublicationSeries[]> {
    await ownedProject(this.projects, by, projectId);
    const published = await this.readings.publishedOf([projectId]);
    const summary = (await this.summaries.summarize(published)).get(projectId) ?? [];
    const since = new Date(this.clock.now().getTime() - days * 86_400_000);
    const series = await this.readings.since(
      published.map((u) => u.id),
      since,
    );
    return summary.map((s) => ({
      ...s,
      readings: series
        .filter((r) => r.publicationId === s.publicationId)
        .map((r) => ({ readAt: r.readAt, ...figuresOf(r) })),
    }));
  }

  /**
   * Videos published since `since` compared by look, length and mood: per video its latest
   * views (summed over its platforms) and Instagram watch time, then medians per group.
   */
  async comparison(since: Date): Promise<{ videos: number; groups: ComparisonGroup[] }> {
    const published = await this.readings.publishedSince(since);
    const projectIds = [...new Set(published.map((u) => u.projectId))];
    const [latest, projects] = await Promise.all([
      this.readings.latest(published.map((u) => u.id)),
      this.readings.projectsOf(projectIds),
    ]);
    const videos: ComparedVideo[] = projects.map((p) => {
      const ids = new Set(published.filter((u) => u.projectId === p.id).map((u) => u.id));
      const rows = latest.filter((r) => ids.has(r.publicationId));
      const options = withDefaults(p.options);
      return {
        look: options.templateId ?? DEFAULT_VIDEO_TEMPLATE,
        lengthSec: lengthSecOf(options),
        mood: options.mood,
        views: sumOrNull(rows, 'views'),
        avgWatchTimeMs: rows.find((r) => r.avgWatchTimeMs !== null)?.avgWatchTimeMs ?? null,
      };
    });
    return { videos: videos.length, groups: compareVideos(videos) };
  }
}

function sumOrNull(rows: VideoReadingEntity[], k: 'views'): number | null {
  const xs = rows.map((r) => r[k]).filter((v): v is number => v !== null);
  return xs.length ? xs.reduce((a, b) => a + b, 0) : null;
}
