import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig, PublicationService } from '@app/domain';
import { LeadershipService } from './leadership.service';

/**
 * Runs due publications (YouTube uploads, Instagram containers) on the leading scheduler.
 * Uploads stream from the blob store, so they run here, a few at a time, not in the API.
 */
@Injectable()
export class PublicationScheduler implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PublicationScheduler.name);
  private running?: Promise<number>;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly leadership: LeadershipService,
    private readonly publications: PublicationService,
    private readonly registry: SchedulerRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.addInterval('publication-tick', setInterval(() => void this.tick(), Math.max(this.config.pipeline.pollMs, 1000)));
  }

  async tick(): Promise<number> {
    if (this.running || this.stopped || !this.leadership.isLeader) return 0;
    this.running = this.publications.runDue(this.config.pipeline.concurrency.publish).catch((err) => {
      this.logger.warn(`publication tick failed: ${(err as Error).message}`);
      return 0;
    });
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.running;
  }
}
