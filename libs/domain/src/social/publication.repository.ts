import { Injectable } from '@nestjs/common';
import { DatabaseRouter } from '../database/database-router';
import { PublicationState, SnsUploadEntity } from '../entities/social.entity';
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
    return this.db.readPrimary((em) =>
      em.find(SnsUploadEntity, { where: { projectId }, order: { createdAt: 'ASC', id: 'ASC' } }),
    );
  }

  findById(id: string): Promise<SnsUploadEntity | null> {
    return this.db.readPrimary((em) => em.findOne(SnsUploadEntity, { where: { id } }));
  }

  /** Claims up to `limit` due publications for `owner` for `leaseMs` (see LeasedTable). */
  async claimDue(owner: string, limit: number, leaseMs: number, now = new Date()) {
    const rows = await this.leases.claimDue<{ id: string; attempts: number | string }>(
      owner,
      LIVE_PUBLICATION_STATES,
      limit,
      leaseMs,
      ['attempts'],
      now,
    );
    return rows.map((r) => ({ id: r.id, attempts: Number(r.attempts) }));
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
