import { Injectable } from '@nestjs/common';
import type { SocialPlatform, VideoFigures } from '@app/integrations';
import { VideoReadingEntity } from '../entities/results.entity';
import { SnsUploadEntity } from '../entities/social.entity';
import { Clock } from './clock';
import { VideoReadingRepository } from './video-reading.repository';

const WEEK_MS = 7 * 86_400_000;

/** One publication's results: its latest figures and how much they grew in 7 days. */
export interface PublicationResults {
  publicationId: string;
  projectId: string;
  platform: SocialPlatform;
  postUrl: string | null;
  publishedAt: Date | null;
  /** figures: read at least once; not_yet: the platform has none yet (no data, too few viewers) */
  status: 'figures' | 'not_yet';
  /** why there are no figures yet (the platform's answer), else null */
  note: string | null;
  readAt: Date | null;
  latest: VideoFigures | null;
  /** growth over the last 7 days (from publication when younger); null where unknown */
  change7d: { views: number | null; likes: number | null; comments: number | null } | null;
}

export const FIGURE_KEYS = [
  'views',
  'likes',
  'comments',
  'reach',
  'saved',
  'shares',
  'totalInteractions',
  'avgWatchTimeMs',
] as const satisfies readonly (keyof VideoFigures)[];

export const figuresOf = (r: VideoReadingEntity): VideoFigures =>
  Object.fromEntries(FIGURE_KEYS.map((k) => [k, r[k]])) as unknown as VideoFigures;

/**
 * The 7-day change: latest minus the last reading at least 7 days old; a video published
 * within the 7 days grew from nothing; an older one with no reading that old has no change.
 */
export function changeOver7Days(
  readings: VideoReadingEntity[],
  publishedAt: Date | null,
  now: Date,
): PublicationResults['change7d'] {
  const latest = readings[readings.length - 1];
  if (!latest) return null;
  const weekAgo = now.getTime() - WEEK_MS;
  const base = [...readings].reverse().find((r) => r.readAt.getTime() <= weekAgo);
  const fromNothing = !base && publishedAt !== null && publishedAt.getTime() >= weekAgo;
  if (!base && !fromNothing) return null;
  const diff = (k: 'views' | 'likes' | 'comments') =>
    latest[k] === null ? null : latest[k]! - (base ? (base[k] ?? 0) : 0);
  return { views: diff('views'), likes: diff('likes'), comments: diff('comments') };
}

/** Published videos' results as the archive and the owner's endpoint show them. */
@Injectable()
export class ResultSummaries {
  constructor(
    private readonly readings: VideoReadingRepository,
    private readonly clock: Clock,
  ) {}

  /** Per project, its publications' results (two queries for any number of projects). */
  async ofProjects(projectIds: string[]): Promise<Map<string, PublicationResults[]>> {
    const published = await this.readings.publishedOf(projectIds);
    return this.summarize(published);
  }

  /** The publications' summaries, by project. */
  async summarize(published: SnsUploadEntity[]): Promise<Map<string, PublicationResults[]>> {
    const now = this.clock.now();
    // a reading just over a week old is the 7-day change's base: read 8 days
    const ids = published.map((u) => u.id);
    const [recent, latestRows] = await Promise.all([
      this.readings.since(ids, new Date(now.getTime() - WEEK_MS - 86_400_000)),
      // a video read weekly, or whose reader is parked, may have no reading that recent
      this.readings.latest(ids),
    ]);
    const latestOf = new Map(latestRows.map((r) => [r.publicationId, r]));
    const byProject = new Map<string, PublicationResults[]>();
    for (const u of published) {
      const latest = latestOf.get(u.id);
      const series = recent.filter((r) => r.publicationId === u.id);
      if (latest && !series.some((r) => r.id === latest.id)) series.push(latest);
      const item: PublicationResults = {
        publicationId: u.id,
        projectId: u.projectId,
        platform: u.platform,
        postUrl: u.postUrl,
        publishedAt: u.publishedAt,
        status: latest ? 'figures' : 'not_yet',
        note: latest ? null : (u.resultsNote ?? 'not read yet'),
        readAt: latest?.readAt ?? null,
        latest: latest ? figuresOf(latest) : null,
        change7d: changeOver7Days(series, u.publishedAt, now),
      };
      byProject.set(u.projectId, [...(byProject.get(u.projectId) ?? []), item]);
    }
    return byProject;
  }
}
