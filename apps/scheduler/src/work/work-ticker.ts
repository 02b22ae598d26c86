import { randomBytes } from 'node:crypto';
import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import {
  AppConfig,
  Clock,
  ProjectState,
  PROVIDER_NAMES,
  ProviderName,
  STEPS,
  WorkClaims,
} from '@app/domain';
import { LeadershipService } from '../leadership.service';
import { WorkDispatcher, WorkJob } from './work-dispatcher';

const STATES_BY_PROVIDER = Object.values(STEPS).reduce(
  (acc, s) => ((acc[s.provider] ??= []).push(s.from), acc),
  {} as Partial<Record<ProviderName, ProjectState[]>>,
);

/**
 * After a claim of publications that found fewer than it had room for, the next is this much
 * later: an upload waits a second at most, and the ticks between (every PIPELINE_POLL_MS, for
 * the steps) cost no query for it.
 */
const PUBLICATION_CLAIM_GAP_MS = 1_000;

/**
 * Readings of results are due by the hour at the soonest: accounts due are looked for this
 * often, not on every tick.
 */
const READING_CLAIM_GAP_MS = 2_000;

/**
 * The one tick: while this scheduler leads, claim due work (project steps per provider, and
 * publications) as far as each provider has room, and hand it to the dispatcher. Ticks only
 * claim; work happens elsewhere.
 */
@Injectable()
export class WorkTicker implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(WorkTicker.name);
  private ticking = false;
  private stopped = false;
  private publicationsDueAt = 0;
  private readingsDueAt = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly leadership: LeadershipService,
    private readonly claims: WorkClaims,
    private readonly dispatcher: WorkDispatcher,
    private readonly registry: SchedulerRegistry,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.registry.addInterval(
      'work-tick',
      setInterval(() => void this.tick(), this.config.pipeline.pollMs),
    );
  }

  async tick(): Promise<number> {
    if (this.ticking || this.stopped || !this.leadership.isLeader) return 0;
    this.ticking = true;
    let claimed = 0;
    try {
      // every provider's steps with room in one claim (one locking read and one UPDATE), then
      // publications; a fresh lease token per claim: a run writes back only under its own
      const steps = PROVIDER_NAMES.filter((p) => STATES_BY_PROVIDER[p])
        .map((provider) => ({
          provider,
          states: STATES_BY_PROVIDER[provider]!,
          limit: this.dispatcher.capacity(provider),
        }))
        .filter((g) => g.limit > 0);
      const publications = await this.claimPublicationsIfDue();
      const jobs = [
        ...(steps.length
          ? await this.claims.claimSteps(this.token(), steps, this.config.pipeline.leaseMs)
          : []),
        ...publications,
        // readings call the same platforms: they take the room publications left
        ...(await this.claimReadingsIfDue(publications.length)),
      ];
      for (const job of jobs) await this.dispatcher.dispatch(job);
      claimed = jobs.length;
      await this.dispatcher.giveBackLost();
    } catch (err) {
      this.logger.warn(`tick failed: ${(err as Error).message}`);
    } finally {
      this.ticking = false;
    }
    return claimed;
  }

  private token(): string {
    return `${this.config.instanceId}:${randomBytes(6).toString('hex')}`;
  }

  private async claimPublicationsIfDue(): Promise<WorkJob[]> {
    const room = this.dispatcher.capacity('publish');
    if (room <= 0 || Date.now() < this.publicationsDueAt) return [];
    const token = this.token();
    const due = await this.claims.claimPublications(token, room, this.config.pipeline.leaseMs);
    // a full claim may have left more behind: the next tick looks again
    this.publicationsDueAt = due.length < room ? Date.now() + PUBLICATION_CLAIM_GAP_MS : 0;
    return due;
  }

  /**
   * Accounts due for a reading of their videos' results, in the room publishing leaves (the
   * same platforms are called); due by the Clock, so a test moves time instead of waiting.
   */
  private async claimReadingsIfDue(publicationsClaimed: number): Promise<WorkJob[]> {
    const room = this.dispatcher.capacity('publish') - publicationsClaimed;
    if (room <= 0 || Date.now() < this.readingsDueAt) return [];
    const token = this.token();
    const leaseMs = this.config.pipeline.leaseMs;
    const due = await this.claims.claimReadings(token, room, leaseMs, this.clock.now());
    this.readingsDueAt = due.length < room ? Date.now() + READING_CLAIM_GAP_MS : 0;
    return due;
  }

  /** before the pools close (onApplicationShutdown): running work still writes its result back */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.dispatcher.drain();
  }
}
