import { Injectable } from '@nestjs/common';
import { DatabaseRouter } from '../database/database-router';
import { PublicationState, SnsUploadEntity } from '../entities/social.entity';
import type { WorkHealth } from '../pipeline/pipeline-health.repository';
import { LeasedTable } from '../work/leased-table';

/** Publications still to run: queued, or waiting on the platform's own processing. */
export const LIVE_PUBLICATION_STATES: readonly PublicationState[] = ['queued', 'processing'];

export type PublicationPatch = Partial<Omit<SnsUploadEntity, 'id' | 'createdAt'>>;

/** Publications (one row per video and account): the requests, and their leased runs. */
@Injectable()
export class PublicationRepository {
  private readonly leases: LeasedTable<SnsUploadEntity>;

  constructor(private readonly db: DatabaseRouter) {
    this.leases = new LeasedTable(db, SnsUploadEntity, 'sns_uploads', 'u');
  }

  async add(rows: SnsUploadEntity[]): Promise<void> {
    await this.db.transaction((em) => em.save(rows));
  }

  forProject(projectId: string): Promise<SnsUploadEntity[]> {
    return this.db.read((em) =>
      em.find(SnsUploadEntity, { where: { projectId }, order: { createdAt: 'ASC', id: 'ASC' } }),
    );
  }

  findById(id: string): Promise<SnsUploadEntity | null> {
    return this.db.read((em) => em.findOne(SnsUploadEntity, { where: { id } }));
  }

  /** How publishing to one platform fared since a moment (provider health). */
  async health(platform: string, since: Date): Promise<WorkHealth> {
    return this.db.read(async (em) => {
      const rows = await em
        .createQueryBuilder(SnsUploadEntity, 'u')
        .select('u.state', 'state')
        .addSelect('COUNT(*)', 'n')
        .addSelect('MAX(u.last_error)', 'err')
        .where('u.platform = :platform AND u.updated_at >= :since', { platform, since })
        .groupBy('u.state')
        .getRawMany<{ state: string; n: number | string; err: string | null }>();
      const n = (s: PublicationState) => Number(rows.find((r) => r.state === s)?.n ?? 0);
      const retrying = await em
        .createQueryBuilder(SnsUploadEntity, 'u')
        .where('u.platform = :platform AND u.state IN (:...live) AND u.last_error IS NOT NULL', {
          platform,
          live: LIVE_PUBLICATION_STATES,
        })
        .getCount();
      return {
        succeeded: n('published'),
        failed: n('failed'),
        retrying,
        lastError: rows.find((r) => r.err)?.err ?? null,
      };
    });
  }

  /**
   * The account's grant died: its publications still to run wait (parked), not retried against
   * the platform and not failed one by one, until the owner connects the account again.
   */
  async parkFor(socialAccountId: string, reason: string): Promise<number> {
    const r = await this.db.write((em) =>
      em
        .createQueryBuilder()
        .update(SnsUploadEntity)
        .set({ state: 'parked', lastError: reason, nextRunAt: null })
        .where('social_account_id = :socialAccountId AND state IN (:...live)', {
          socialAccountId,
          live: LIVE_PUBLICATION_STATES,
        })
        .execute(),
    );
    return r.affected ?? 0;
  }

  /** The account is connected again: its parked publications go on by themselves, now. */
  async resumeFor(socialAccountId: string): Promise<number> {
    const r = await this.db.write((em) =>
      em
        .createQueryBuilder()
        .update(SnsUploadEntity)
        .set({ state: 'queued', lastError: null, nextRunAt: new Date(), attempts: 0 })
        .where("social_account_id = :socialAccountId AND state = 'parked'", { socialAccountId })
        .execute(),
    );
    return r.affected ?? 0;
  }

  /** Claims up to `limit` due publications for `owner` for `leaseMs` (see LeasedTable). */
  async claimDue(owner: string, limit: number, leaseMs: number, now = new Date()) {
    const rows = await this.leases.claimDue(owner, LIVE_PUBLICATION_STATES, limit, leaseMs, now);
    return rows.map((r) => ({ id: r.id, attempts: r.attempts }));
  }

  updateIfLeased(id: string, owner: string, patch: PublicationPatch): Promise<boolean> {
    return this.leases.updateIfLeased(id, owner, patch);
  }

  extendLease(id: string, owner: string, leaseMs: number): Promise<boolean> {
    return this.leases.extendLease(id, owner, leaseMs);
  }

  releaseClaimsOf(instanceId: string): Promise<number> {
    return this.leases.releaseClaimsOf(instanceId);
  }

  clearExpiredLeases(now = new Date()): Promise<number> {
    return this.leases.clearExpiredLeases(now);
  }
}
