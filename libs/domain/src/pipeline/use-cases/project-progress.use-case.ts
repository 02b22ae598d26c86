import { Injectable } from '@nestjs/common';
import { ProjectEntity } from '../../entities/project.entity';
import {
  OWNER_STOPS,
  PROGRESS,
  ProjectState,
  STEP_FOR_STATE,
  STEPS,
  StepName,
  TERMINAL_STATES,
} from '../project-state';
import { PipelineHealthRepository } from '../pipeline-health.repository';
import { ProjectEventRepository } from '../project-event.repository';
import {
  DEFAULT_STEP_MS,
  fractionAt,
  REPORTING_STATES,
  reportsSince,
  runPercent,
} from '../step-progress';

export interface Progress {
  percent: number;
  /** seconds until DONE from recent step durations, when it can be told */
  etaSec: number | null;
  waitingFor: 'owner' | 'scheduler' | 'budget' | null;
}

/** How far a project is, what it waits for, and when it should be done. */
@Injectable()
export class ProjectProgress {
  constructor(
    private readonly events: ProjectEventRepository,
    private readonly health: PipelineHealthRepository,
  ) {}

  async of(p: ProjectEntity): Promise<Progress> {
    const state = p.state;
    const waitingFor = waitingForOf(p);
    if (state === 'DONE') return { percent: 100, etaSec: 0, waitingFor: null };
    if (state === 'FAILED' || state === 'CANCELLED') {
      // where the run stopped: the failed step's state, and how far that step had reported
      const at = (p.step && STEPS[p.step as StepName]?.from) || 'DRAFT';
      return { percent: await this.percentIn(p.id, at), etaSec: null, waitingFor };
    }
    const percent = await this.percentIn(p.id, state);
    const step = STEP_FOR_STATE[state];
    const fraction = step && this.leased(p) ? fractionAt(step, percent) : 0;
    // the steps still to run, the running one for what it has left; a step never timed here
    // yet counts its default, so the ETA is an estimate from the first step on, never unknown
    let etaMs = 0;
    for (const [name, s] of Object.entries(STEPS) as [StepName, (typeof STEPS)[StepName]][]) {
      if (PROGRESS[s.from] < PROGRESS[state]) continue;
      const ms = (await this.typicalStepMs(name)) ?? DEFAULT_STEP_MS[name];
      etaMs += name === step ? ms * (1 - fraction) : ms;
    }
    return { percent, etaSec: Math.round(etaMs / 1000), waitingFor };
  }

  /**
   * The run's percent in `state`: a step's report of this run holds even when its lease ran out
   * (the bar waits for the step to run again, whose first report says why it went back).
   */
  private async percentIn(id: string, state: ProjectState): Promise<number> {
    if (!REPORTING_STATES.includes(state)) return PROGRESS[state];
    const report = await this.events.latestReportSince(id, reportsSince(state));
    return runPercent(state, report?.percent ?? null);
  }

  /** The state's step is running now: its lease held (what it reported is then under way). */
  private leased(p: ProjectEntity): boolean {
    return !!p.leaseOwner && !!p.leaseUntil && p.leaseUntil.getTime() >= Date.now();
  }

  /**
   * Medians move slowly: each is read at most once a minute per process, not per project per
   * request, and once for all the requests that need it at the same moment.
   */
  private readonly stepMedians = new Map<string, { ms: Promise<number | null>; until: number }>();

  private typicalStepMs(step: string): Promise<number | null> {
    const hit = this.stepMedians.get(step);
    if (hit && hit.until > Date.now()) return hit.ms;
    const entry = { ms: this.health.typicalStepMs(step), until: Infinity };
    this.stepMedians.set(step, entry);
    entry.ms.then(
      // an unknown duration is asked again soon: the first finished projects make it known
      (ms) => (entry.until = Date.now() + (ms === null ? 2_000 : 60_000)),
      () => this.stepMedians.get(step) === entry && this.stepMedians.delete(step),
    );
    return entry.ms;
  }
}

function waitingForOf(p: ProjectEntity): Progress['waitingFor'] {
  if (OWNER_STOPS[p.state] && !p.nextRunAt) return 'owner';
  if (TERMINAL_STATES.includes(p.state) || p.state === 'FAILED') return null;
  return p.waitReason === 'budget' ? 'budget' : 'scheduler';
}
