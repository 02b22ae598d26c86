import { Injectable } from '@nestjs/common';
import { In, IsNull, LessThanOrEqual, Not } from 'typeorm';
import { DatabaseRouter } from '../database/database-router';
import { PublicationState, SnsUploadEntity } from '../entities/social.entity';
import type { WorkHealth } from '../pipeline/pipeline-health.repository';
import { LeasedTable } from '../work/leased-table';
import { recordCreated } from '../idempotency/idempotency.repository';
import { assertPublicationTransition, PublicationCause } from './publication-state';

/** Publications still to run: queued, or waiting on the platform's own processing. */
export const LIVE_PUBLICATION_STATES: readonly PublicationState[] = ['queued', 'processing'];

/** Every write but a state change: `state` moves only through `transition()` (and its table). */
export type PublicationPatch = Partial<Omit<SnsUploadEntity, 'id' | 'createdAt' | 'state'>>;

/** One publication's change of state, checked against PUBLICATION_TRANSITIONS. */
export interface PublicationTransition {
  from: PublicationState;
  to: PublicationState;
  cause: PublicationCause;
  /** a run's write: only while this worker still holds the lease (fencing) */
  leaseOwner?: string;
  patch?: PublicationPatch;
}

/** Publications (one row per video and account): the requests, and their leased runs. */
@Injectable()
export class PublicationRepository {
  private readonly leases: LeasedTable<SnsUploadEntity>;

  constructor(private readonly db: DatabaseRouter) {
    this.leases = new LeasedTable(db, SnsUploadEntity, 'sns_uploads', 'u');
  }

  /** A request's Idempotency-Key is completed with the publications in the same transaction. */
  async add(rows: SnsUploadEntity[]): Promise<void> {
    await this.db.transaction(async (em) => {
      await em.save(rows);
      await recordCreated(
        em,
        'publication',
        rows.map((r) => r.id),
      );
    });
  }

  /** The publications among `ids`, in the order they were asked for. */
  findByIds(ids: string[]): Promise<SnsUploadEntity[]> {
    return this.db.read((em) =>
      em.find(SnsUploadEntity, {
        where: { id: In(ids) },
        order: { createdAt: 'ASC', id: 'ASC' },
      }),
    );
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
    return this.transitionAll(
      socialAccountId,
      LIVE_PUBLICATION_STATES,
      { to: 'parked', cause: 'park' },
      { lastError: reason, nextRunAt: null },
    );
  }

  /** The account is connected again: its parked publications go on by themselves, now. */
  async resumeFor(socialAccountId: string): Promise<number> {
    return this.transitionAll(
      socialAccountId,
      ['parked'],
      { to: 'queued', cause: 'resume' },
      { lastError: null, nextRunAt: new Date(), attempts: 0 },
    );
  }

  /**
   * The one gate for a publication's change of state: the table is asserted, and the row is
   * updated only while it is still in `from` (and, for a run, still leased to its worker).
   */
  async transition(id: string, t: PublicationTransition): Promise<boolean> {
    assertPublicationTransition(t.from, t.to, t.cause);
    const where = { id, state: t.from, ...(t.leaseOwner ? { leaseOwner: t.leaseOwner } : {}) };
    const r = await this.db.write((em) =>
      em.update(SnsUploadEntity, where, { ...t.patch, state: t.to, updatedAt: new Date() }),
    );
    return (r.affected ?? 0) === 1;
  }

  /** An account's publications in `from` moved together, each move checked against the table. */
  private async transitionAll(
    socialAccountId: string,
    from: readonly PublicationState[],
    t: { to: PublicationState; cause: PublicationCause },
    patch: PublicationPatch,
  ): Promise<number> {
    for (const f of from) assertPublicationTransition(f, t.to, t.cause);
    const r = await this.db.write((em) =>
      em
        .createQueryBuilder()
        .update(SnsUploadEntity)
        .set({ ...patch, state: t.to })
        .where('social_account_id = :socialAccountId AND state IN (:...from)', {
          socialAccountId,
          from,
        })
        .execute(),
    );
    return r.affected ?? 0;
  }

  /** The account's published videos due for a reading at `now`, soonest due first. */
  resultsDue(accountId: string, now: Date, limit: number): Promise<SnsUploadEntity[]> {
    return this.db.read((em) =>
      em.find(SnsUploadEntity, {
        where: {
          socialAccountId: accountId,
          state: 'published',
          resultsDueAt: LessThanOrEqual(now),
          externalId: Not(IsNull()),
        },
        order: { resultsDueAt: 'ASC', id: 'ASC' },
        take: limit,
      }),
    );
  }

  /** The account's next reading of any of its videos, or null when none is scheduled. */
  async nextResultsDue(accountId: string): Promise<Date | null> {
    const next = await this.db.read((em) =>
      em.findOne(SnsUploadEntity, {
        select: { id: true, resultsDueAt: true },
        where: { socialAccountId: accountId, state: 'published', resultsDueAt: Not(IsNull()) },
        order: { resultsDueAt: 'ASC' },
      }),
    );
    return next?.resultsDueAt ?? null;
  }

  /** A video was read (or found "not yet"): when it is read next, and why it had no figures. */
  async scheduleResults(id: string, dueAt: Date, note: string | null): Promise<void> {
    await this.db.write((em) =>
      em.update(SnsUploadEntity, { id }, { resultsDueAt: dueAt, resultsNote: note }),
    );
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

  /** The instance ids holding live claims (see LeasedTable.claimHolders). */
  claimHolders(): Promise<string[]> {
    return this.leases.claimHolders();
  }

  releaseClaimsOf(instanceId: string): Promise<number> {
    return this.leases.releaseClaimsOf(instanceId);
  }

  clearExpiredLeases(now = new Date()): Promise<number> {
    return this.leases.clearExpiredLeases(now);
  }
}
