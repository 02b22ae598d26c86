import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { VideoFigures } from '@app/integrations';
import { In, LessThan, MoreThanOrEqual } from 'typeorm';
import { DatabaseRouter } from '../database/database-router';
import { VideoReadingEntity } from '../entities/results.entity';
import { ProjectEntity } from '../entities/project.entity';
import { SnsUploadEntity } from '../entities/social.entity';

/** A reading to store: whose figures, read when. */
export interface NewReading {
  publicationId: string;
  projectId: string;
  platform: VideoReadingEntity['platform'];
  readAt: Date;
  figures: VideoFigures;
}

/** The time series of results: one row per reading of one publication. */
@Injectable()
export class VideoReadingRepository {
  constructor(private readonly db: DatabaseRouter) {}

  async add(readings: NewReading[]): Promise<void> {
    if (readings.length === 0) return;
    const rows = readings.map(({ figures, ...r }) => ({ id: randomUUID(), ...r, ...figures }));
    await this.db.write((em) => em.insert(VideoReadingEntity, rows));
  }

  /** The publications' readings since `since`, oldest first. */
  since(publicationIds: string[], since: Date): Promise<VideoReadingEntity[]> {
    if (publicationIds.length === 0) return Promise.resolve([]);
    return this.db.read((em) =>
      em
        .createQueryBuilder(VideoReadingEntity, 'r')
        .where('r.publication_id IN (:...ids)', { ids: publicationIds })
        .andWhere('r.read_at >= :since', { since })
        .orderBy('r.read_at', 'ASC')
        .getMany(),
    );
  }

  /** Each publication's newest reading. */
  latest(publicationIds: string[]): Promise<VideoReadingEntity[]> {
    if (publicationIds.length === 0) return Promise.resolve([]);
    return this.db.read((em) =>
      em
        .createQueryBuilder(VideoReadingEntity, 'r')
        .where('r.publication_id IN (:...ids)', { ids: publicationIds })
        .andWhere(
          (qb) =>
            'r.read_at = ' +
            qb
              .subQuery()
              .select('MAX(x.read_at)')
              .from(VideoReadingEntity, 'x')
              .where('x.publication_id = r.publication_id')
              .getQuery(),
        )
        .getMany(),
    );
  }

  /** Published publications of these projects (the videos that have results). */
  publishedOf(projectIds: string[]): Promise<SnsUploadEntity[]> {
    if (projectIds.length === 0) return Promise.resolve([]);
    return this.db.read((em) =>
      em.find(SnsUploadEntity, {
        where: { projectId: In(projectIds), state: 'published' },
        order: { publishedAt: 'ASC', id: 'ASC' },
      }),
    );
  }

  /** Publications published since `since` (the admins' comparison). */
  publishedSince(since: Date): Promise<SnsUploadEntity[]> {
    return this.db.read((em) =>
      em.find(SnsUploadEntity, {
        where: { state: 'published', publishedAt: MoreThanOrEqual(since) },
      }),
    );
  }

  /** The projects the compared videos were made by (their options: look, length, mood). */
  projectsOf(ids: string[]): Promise<ProjectEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.read((em) => em.find(ProjectEntity, { where: { id: In(ids) } }));
  }

  /** Housekeeping: readings older than `before` go (bounded retention). */
  async purgeBefore(before: Date): Promise<number> {
    const r = await this.db.write((em) =>
      em.delete(VideoReadingEntity, { readAt: LessThan(before) }),
    );
    return r.affected ?? 0;
  }
}
