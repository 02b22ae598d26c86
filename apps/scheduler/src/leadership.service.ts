import { Injectable, Logger, BeforeApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig, LeaderLease, WorkClaims } from '@app/domain';

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
    private readonly lease: LeaderLease,
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
      const { held, tookOverFrom } = await this.lease.renew(LEADER_LEASE, me, leaseMs);
      if (tookOverFrom)
        this.logger.log(`took the lease back from ${tookOverFrom}, this process before a restart`);
      // on becoming the leader: steps our dead predecessors had claimed died with them,
      // claimable now, not when their leases run out (whether or not their lease was still ours
      // to take over: a restart slower than the lease finds it expired)
      if (held && !this.leader) await this.releaseDeadClaims(me);
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

  private async releaseDeadClaims(me: string): Promise<void> {
    // claims under our own id before we ever led are a dead predecessor's too (same
    // INSTANCE_ID, or a container restarted in place)
    const released = await this.claims.releaseDeadPredecessors(me, !this.everLed);
    for (const [holder, n] of Object.entries(released))
      if (n) this.logger.log(`${n} runs claimed by ${holder}, dead before this start, released`);
  }

  /** before the pools close (onApplicationShutdown); no renewal may take the lease back after */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.registry.doesExist('interval', 'leader-lease'))
      this.registry.deleteInterval('leader-lease');
    if (this.leader)
      await this.lease.release(LEADER_LEASE, this.config.instanceId).catch(() => undefined);
    this.leader = false;
  }
}
