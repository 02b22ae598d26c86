import { Injectable } from '@nestjs/common';
import { Principal } from '../accounts/principal';
import { MediaLinks } from '../files/media-links';
import { ownerOf } from '../stores/owner';
import { StoreRepository } from '../stores/store.repository';
import { PublicationResults, ResultSummaries } from '../results/result-summaries';
import { ContentRepository } from './content.repository';
import { ProjectRepository } from './project.repository';

export interface ArchiveItem {
  projectId: string;
  storeId: string;
  storeName: string | null;
  title: string | null;
  durationSec: number;
  width: number;
  height: number;
  engine: string;
  thumbnailUrl: string | null;
  videoUrl: string;
  createdAt: Date;
  finishedAt: Date;
  /** each publication's latest figures and 7-day change (empty: never published) */
  results: PublicationResults[];
}

/** The owner's finished creations: projects with a video, newest first. */
@Injectable()
export class ArchiveService {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly content: ContentRepository,
    private readonly stores: StoreRepository,
    private readonly links: MediaLinks,
    private readonly results: ResultSummaries,
  ) {}

  async list(
    by: Principal,
    limit: number,
    after: { createdAt: Date; id: string } | undefined,
  ): Promise<{ items: ArchiveItem[]; last?: { createdAt: Date; id: string } }> {
    // a finished project stays here while it is rendered again (its current video shows until
    // the new one replaces it), and after a re-render that failed or was cancelled
    const rows = await this.projects.listOwned(ownerOf(by), { limit, withVideo: true, after });
    // five queries for the page, not five per project
    const ids = rows.map((p) => p.id);
    const [videos, stores, titles, results] = await Promise.all([
      this.content.videosOf(ids),
      this.stores.namesOf(rows.map((p) => p.storeId)),
      this.content.titlesOf(ids),
      this.results.ofProjects(ids),
    ]);
    const videoOf = new Map(videos.map((v) => [v.projectId, v]));
    const items: ArchiveItem[] = [];
    for (const p of rows) {
      const video = videoOf.get(p.id);
      if (!video) continue;
      items.push({
        projectId: p.id,
        storeId: p.storeId,
        storeName: stores.get(p.storeId) ?? null,
        title: titles.get(p.id) ?? null,
        durationSec: video.durationSec,
        width: video.width,
        height: video.height,
        engine: video.engine,
        thumbnailUrl: video.thumbnailBlobKey
          ? await this.links.view('thumbnails', video.thumbnailBlobKey)
          : null,
        videoUrl: await this.links.download('video', video.blobKey, this.links.videoName(p.id)),
        createdAt: p.createdAt,
        finishedAt: video.createdAt,
        results: results.get(p.id) ?? [],
      });
    }
    // the cursor follows the projects read, so a project without a video never stalls the pages
    return { items, last: rows.length === limit ? rows[rows.length - 1] : undefined };
  }
}
