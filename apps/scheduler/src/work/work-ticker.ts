import { randomBytes } from 'node:crypto';
import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import {
  AppConfig,
  ProjectRepository,
  ProjectState,
  PROVIDER_NAMES,
  ProviderName,
  PublicationRepository,
  STEP_FOR_STATE,
  stepKey,
  STEPS,
} from '@app/domain';
import { LeadershipService } from '../leadership.service';
import { WorkDispatcher, WorkJob } from './work-dispatcher';

const STATES_BY_PROVIDER = Object.values(STEPS).reduce(
  (acc, s) => ((acc[s.provider] ??= []).push(s.from), acc),
  {} as Partial<Record<ProviderName, ProjectState[]>>,
);

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

  constructor(
    private readonly config: AppConfig,
    private readonly leadership: LeadershipService,
    private readonly projects: ProjectRepository,
    private readonly publications: PublicationRepository,
    private readonly dispatcher: WorkDispatcher,
    private readonly registry: SchedulerRegistry,
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
      for (const provider of PROVIDER_NAMES) {
        const room = this.dispatcher.capacity(provider);
        if (room <= 0) continue;
        // a fresh lease token per claim: a run can only write back under the claim it came from
        const token = `${this.config.instanceId}:${randomBytes(6).toString('hex')}`;
        const jobs = await this.claim(provider, token, room);
        for (const job of jobs) await this.dispatcher.dispatch(job);
        claimed += jobs.length;
      }
    } catch (err) {
      this.logger.warn(`tick failed: ${(err as Error).message}`);
    } finally {
      this.ticking = false;
    }
    return claimed;
  }

  private async claim(provider: ProviderName, token: string, room: number): Promise<WorkJob[]> {
    const { leaseMs } = this.config.pipeline;
    if (provider === 'publish') {
      const due = await this.publications.claimDue(token, room, leaseMs);
      return due.map((u) => ({
        kind: 'publication',
        id: u.id,
        leaseOwner: token,
        key: `${u.id}:publish:${u.attempts + 1}`,
        provider,
      }));
    }
    const due = await this.projects.claimDue(token, STATES_BY_PROVIDER[provider]!, room, leaseMs);
    return due.map((p) => {
      const step = STEP_FOR_STATE[p.state] ?? 'prepare_store';
      return {
        kind: 'step',
        id: p.id,
        leaseOwner: token,
        key: stepKey(p.id, step, p.stepAttempts + 1, p.retries),
        provider,
        claimed: p,
      };
    });
  }

  /** before the pools close (onApplicationShutdown): running work still writes its result back */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.dispatcher.drain();
  }
}
