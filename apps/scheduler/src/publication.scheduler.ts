import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig, PublicationService } from '@app/domain';
import { LeadershipService } from './leadership.service';

/**
 * Runs due publications (YouTube uploads, Instagram containers) on the leading scheduler.
 * Uploads stream from the blob store, so they run here, a few at a time, not in the API.
 */
@Injectable()
export class PublicationScheduler implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(PublicationScheduler.name);
  /** runs in flight: a long upload keeps its place while the ticks go on claiming others */
  private readonly running = new Set<Promise<void>>();
  private ticking = false;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly leadership: LeadershipService,
    private readonly publications: PublicationService,
    private readonly registry: SchedulerRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.addInterval(
      'publication-tick',
      setInterval(() => void this.tick(), Math.max(this.config.pipeline.pollMs, 1000)),
    );
  }

  async tick(): Promise<number> {
    if (this.ticking || this.stopped || !this.leadership.isLeader) return 0;
    this.ticking = true;
    try {
      const ids = await this.publications.claimDue(
        this.config.pipeline.concurrency.publish - this.running.size,
      );
      for (const id of ids) {
        const run = this.publications
          .runOne(id)
          .catch((err: Error) => this.logger.warn(`publication ${id}: ${err.message}`))
          .finally(() => this.running.delete(run));
        this.running.add(run);
      }
      return ids.length;
    } catch (err) {
      this.logger.warn(`publication tick failed: ${(err as Error).message}`);
      return 0;
    } finally {
      this.ticking = false;
    }
  }

  /** before the pools close (onApplicationShutdown): publications still write their results back */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.running]);
  }
}
