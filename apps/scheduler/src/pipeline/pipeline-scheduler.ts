import { randomBytes } from 'node:crypto';
import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import {
  AppConfig,
  ProjectRepository,
  ProviderName,
  STEP_FOR_STATE,
  stepKey,
  STEPS,
} from '@app/domain';
import { LeadershipService } from '../leadership.service';
import { StepDispatcher } from './step-dispatcher';

const STATES_BY_PROVIDER = Object.entries(STEPS).reduce(
  (acc, [, s]) => ((acc[s.provider] ??= []).push(s.from), acc),
  {} as Record<ProviderName, string[]>,
);

/**
 * The tick: while this scheduler leads, claim due projects (as many as each provider has
 * room for) and hand each step to the dispatcher. Ticks only claim; work happens elsewhere.
 */
@Injectable()
export class PipelineScheduler implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(PipelineScheduler.name);
  private ticking = false;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly leadership: LeadershipService,
    private readonly projects: ProjectRepository,
    private readonly dispatcher: StepDispatcher,
    private readonly registry: SchedulerRegistry,
  ) {}

  onModuleInit(): void {
    this.registry.addInterval(
      'pipeline-tick',
      setInterval(() => void this.tick(), this.config.pipeline.pollMs),
    );
  }

  async tick(): Promise<number> {
    if (this.ticking || this.stopped || !this.leadership.isLeader) return 0;
    this.ticking = true;
    let claimed = 0;
    try {
      for (const [provider, states] of Object.entries(STATES_BY_PROVIDER) as [
        ProviderName,
        string[],
      ][]) {
        const room = this.dispatcher.capacity(provider);
        if (room <= 0) continue;
        // a fresh lease token per claim: a run can only write back under the claim it came from
        const token = `${this.config.instanceId}:${randomBytes(6).toString('hex')}`;
        const due = await this.projects.claimDue(token, states, room, this.config.pipeline.leaseMs);
        for (const p of due) {
          const step = STEP_FOR_STATE[p.state] ?? 'prepare_store';
          await this.dispatcher.dispatch({
            projectId: p.id,
            leaseOwner: token,
            step,
            attempt: p.stepAttempts + 1,
            key: stepKey(p.id, step, p.stepAttempts + 1, p.retries),
            provider,
          });
        }
        claimed += due.length;
      }
    } catch (err) {
      this.logger.warn(`tick failed: ${(err as Error).message}`);
    } finally {
      this.ticking = false;
    }
    return claimed;
  }

  /** before the pools close (onApplicationShutdown): steps still write their results back */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.dispatcher.drain();
  }
}
