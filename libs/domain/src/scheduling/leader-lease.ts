import { Injectable } from '@nestjs/common';
import { isOwnPredecessor } from './predecessor';
import { LeaderLeaseRepository } from './leader-lease.repository';

export interface LeaseHeld {
  held: boolean;
  /** the dead predecessor of ours whose lease this renewal took over, if it did */
  tookOverFrom?: string;
}

/**
 * One holder of a named lease at a time. A renewal acquires or extends it; a process restarted
 * after a crash takes its own dead predecessor's lease at once, once that one has missed two
 * renewals (a live process renews every quarter of the lease), rather than waiting it out.
 */
@Injectable()
export class LeaderLease {
  constructor(private readonly leases: LeaderLeaseRepository) {}

  async renew(name: string, me: string, leaseMs: number): Promise<LeaseHeld> {
    if (await this.leases.acquire(name, me, leaseMs)) return { held: true };
    const lease = await this.leases.current(name);
    const silent = lease && lease.leaseUntil.getTime() < Date.now() + leaseMs / 2;
    if (!lease || !silent || !isOwnPredecessor(lease.owner, me)) return { held: false };
    const held = await this.leases.takeOver(name, lease.owner, me, leaseMs);
    return held ? { held, tookOverFrom: lease.owner } : { held };
  }

  release(name: string, me: string): Promise<void> {
    return this.leases.release(name, me);
  }
}
