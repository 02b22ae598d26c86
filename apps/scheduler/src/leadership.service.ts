import { Injectable, Logger, BeforeApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig, LeaderLeaseRepository } from '@app/domain';

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

  constructor(
    private readonly config: AppConfig,
    private readonly leases: LeaderLeaseRepository,
    private readonly registry: SchedulerRegistry,
  ) {}

  get isLeader(): boolean {
    return this.leader;
  }

  onModuleInit(): void {
    const { leaseMs } = this.config.scheduler;
    // renew at a third of the lease so one slow tick never loses it
    const timer = setInterval(() => void this.renew(), Math.max(250, Math.floor(leaseMs / 3)));
    this.registry.addInterval('leader-lease', timer);
    void this.renew();
  }

  async renew(): Promise<void> {
    try {
      const held = await this.leases.acquire(
        LEADER_LEASE,
        this.config.instanceId,
        this.config.scheduler.leaseMs,
      );
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

  /** before the pools close (onApplicationShutdown) */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.leader)
      await this.leases.release(LEADER_LEASE, this.config.instanceId).catch(() => undefined);
    this.leader = false;
  }
}
