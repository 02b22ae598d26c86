import { Injectable } from '@nestjs/common';
import { LessThan } from 'typeorm';
import { DatabaseRouter } from '../database/database-router';
import { SchedulerLeaseEntity } from '../entities/scheduler-lease.entity';

/**
 * A named lease row: whoever holds an unexpired lease is the leader. Taking it over is one
 * guarded UPDATE (owner is me, or the lease expired), so two schedulers can never both win,
 * on SQLite or MySQL alike.
 */
@Injectable()
export class LeaderLeaseRepository {
  constructor(private readonly db: DatabaseRouter) {}

  /** Takes or renews the lease; true when `owner` holds it until `now + ttlMs`. */
  async acquire(name: string, owner: string, ttlMs: number, now = new Date()): Promise<boolean> {
    const until = new Date(now.getTime() + ttlMs);
    return this.db.write(async (em) => {
      const result = await em
        .createQueryBuilder()
        .update(SchedulerLeaseEntity)
        .set({ owner, leaseUntil: until })
        .where('name = :name', { name })
        .andWhere('(owner = :owner OR lease_until < :now)', { owner, now })
        .execute();
      if ((result.affected ?? 0) > 0) return true;
      const exists = await em.count(SchedulerLeaseEntity, { where: { name } });
      if (exists > 0) return false;
      try {
        await em.insert(SchedulerLeaseEntity, { name, owner, leaseUntil: until });
        return true;
      } catch {
        return false; // another process inserted it first
      }
    });
  }

  /**
   * Takes the lease from `from` (this process's own dead predecessor), guarded on it still
   * holding it: if anyone else took it meanwhile, nothing changes.
   */
  async takeOver(
    name: string,
    from: string,
    owner: string,
    ttlMs: number,
    now = new Date(),
  ): Promise<boolean> {
    const r = await this.db.write((em) =>
      em.update(
        SchedulerLeaseEntity,
        { name, owner: from },
        { owner, leaseUntil: new Date(now.getTime() + ttlMs) },
      ),
    );
    return (r.affected ?? 0) === 1;
  }

  /** Gives the lease up at shutdown so a successor need not wait for it to expire. */
  async release(name: string, owner: string): Promise<void> {
    await this.db.write((em) =>
      em.update(SchedulerLeaseEntity, { name, owner }, { leaseUntil: new Date(0) }),
    );
  }

  /** The lease row as it stands, expired or not. */
  async current(name: string): Promise<{ owner: string; leaseUntil: Date } | null> {
    const row = await this.db.read((em) => em.findOne(SchedulerLeaseEntity, { where: { name } }));
    return row ? { owner: row.owner, leaseUntil: row.leaseUntil } : null;
  }

  async holder(name: string, now = new Date()): Promise<string | null> {
    const row = await this.db.read((em) => em.findOne(SchedulerLeaseEntity, { where: { name } }));
    return row && row.leaseUntil > now ? row.owner : null;
  }

  async deleteExpired(before: Date): Promise<number> {
    return this.db.write(async (em) => {
      const r = await em.delete(SchedulerLeaseEntity, { leaseUntil: LessThan(before) });
      return r.affected ?? 0;
    });
  }
}
