import { Injectable } from '@nestjs/common';
import { DatabaseRouter } from '../database/database-router';
import { ProjectEntity } from '../entities/project.entity';
import { ProjectRepository } from './project.repository';

/**
 * Housekeeping of projects nobody moves on: those left waiting for their owner. (Leases whose
 * holder died are the lease core's: ProjectRepository.clearExpiredLeases / releaseClaimsOf.)
 */
@Injectable()
export class ProjectHousekeepingRepository {
  constructor(
    private readonly db: DatabaseRouter,
    private readonly projects: ProjectRepository,
  ) {}

  /**
   * Projects left waiting for their owner (lyrics to approve, a clip to pick) since `before`
   * are cancelled through transition(), with an event saying why.
   */
  async cancelAbandoned(before: Date): Promise<number> {
    const rows = await this.db.read((em) =>
      em
        .createQueryBuilder(ProjectEntity, 'p')
        .select(['p.id', 'p.state'])
        .where('p.state IN (:...states)', { states: ['LYRICS_READY', 'SONG_READY'] })
        .andWhere('p.next_run_at IS NULL AND p.updated_at < :before', { before })
        .take(500)
        .getMany(),
    );
    let cancelled = 0;
    for (const r of rows) {
      const ok = await this.projects.transition(r.id, {
        from: r.state,
        to: 'CANCELLED',
        cause: 'cancel',
        patch: { lastError: 'cancelled: left waiting for the owner too long' },
        message: 'abandoned: waited for the owner too long',
      });
      if (ok) cancelled++;
    }
    return cancelled;
  }
}
