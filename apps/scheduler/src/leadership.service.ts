import { Injectable, Logger, BeforeApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig, isOwnPredecessor, LeaderLeaseRepository } from '@app/domain';
import { WorkClaims } from './work/work-claims';

export const LEADER_LEASE = 'scheduler';

/**
 * Exactly one scheduler works at a time: the holder of the 'scheduler' lease row. Others
 * started by mistake (or overlapping in a rolling deploy) wait on standby and take over when
 * the leader stops renewing. Work ticks check isLeader before claiming anything.
 */
@Injectable()
export class LeadershipService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(LeadershipService.name);
  private leader = false;
  private everLed = false;
  private stopping = false;

  constructor(
    private readonly config: AppConfig,
    private readonly leases: LeaderLeaseRepository,
    private readonly claims: WorkClaims,
    private readonly registry: SchedulerRegistry,
  ) {}

  get isLeader(): boolean {
    return this.leader;
  }

  onModuleInit(): void {
    const { leaseMs } = this.config.scheduler;
    // renew (and, on standby, look) every quarter of the lease: the lease survives a slow
    // renewal or two, and a standby notices an expired one within a quarter of it
    const timer = setInterval(() => void this.renew(), Math.max(250, Math.floor(leaseMs / 4)));
    this.registry.addInterval('leader-lease', timer);
    void this.renew();
  }

  async renew(): Promise<void> {
    try {
      const me = this.config.instanceId;
      const { leaseMs } = this.config.scheduler;
      if (this.stopping) return;
      let held = await this.leases.acquire(LEADER_LEASE, me, leaseMs);
      if (!held) {
        // restarted after a crash: our own dead predecessor's lease is ours at once, once it
        // has missed two renewals (a live process renews every quarter of the lease)
        const lease = await this.leases.current(LEADER_LEASE);
        const silent = lease && lease.leaseUntil.getTime() < Date.now() + leaseMs / 2;
        if (lease && silent && isOwnPredecessor(lease.owner, me)) {
          held = await this.leases.takeOver(LEADER_LEASE, lease.owner, me, leaseMs);
          if (held) {
            // the steps it had claimed died with it: claimable now, not when their leases run out
            const released = await this.claims.releaseClaimsOf(lease.owner);
            this.logger.log(
              `took the lease back from ${lease.owner}, this process before a restart; ${released} claimed runs released`,
            );
          }
        }
      } else if (!this.everLed) {
        // claims under our own id before we ever led are a dead predecessor's (same
        // INSTANCE_ID, or a container restarted in place): claimable now
        const released = await this.claims.releaseClaimsOf(me);
        if (released)
          this.logger.log(`${released} runs claimed under ${me} before this start released`);
      }
      this.everLed ||= held;
      if (held !== this.leader)
        this.logger.log(held ? 'became the leader' : 'lost the lease; on standby');
      this.leader = held;
    } catch (err) {
      // cannot renew: stop acting as leader before the lease can expire under us
      if (this.leader)
        this.logger.warn(`lease renewal failed (${(err as Error).message}); standing down`);
      this.leader = false;
    }
  }

  /** before the pools close (onApplicationShutdown); no renewal may take the lease back after */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.registry.doesExist('interval', 'leader-lease'))
      this.registry.deleteInterval('leader-lease');
    if (this.leader)
      await this.leases.release(LEADER_LEASE, this.config.instanceId).catch(() => undefined);
    this.leader = false;
  }
}
