import { Injectable } from '@nestjs/common';
import { ProjectListing } from '../project-listing';
import {
  OWNER_STOPS,
  PROGRESS,
  PROJECT_STATES,
  ProjectState,
  STEP_FOR_STATE,
  STEPS,
  StepName,
  TERMINAL_STATES,
} from '../project-state';
import { PipelineHealthRepository } from '../pipeline-health.repository';
import {
  barStateOf,
  DEFAULT_STEP_MS,
  fractionAt,
  REPORTING_STATES,
  runPercent,
} from '../step-progress';

export interface Progress {
  percent: number;
  /** seconds until DONE from recent step durations, when it can be told */
  etaSec: number | null;
  waitingFor: 'owner' | 'scheduler' | 'budget' | null;
}

/** The typical duration of each step still ahead of the rows asked about (ms; null: unknown). */
type StepDurations = Partial<Record<StepName, number | null>>;

const STEP_NAMES = Object.keys(STEPS) as StepName[];

/** How far a project is, what it waits for, and when it should be done. */
@Injectable()
export class ProjectProgress {
  constructor(private readonly health: PipelineHealthRepository) {}

  async of(p: ProjectListing): Promise<Progress> {
    return (await this.ofRows([p]))[0];
  }

  /**
   * The progress of each row, computed once per row from what it holds (its render's report
   * included: reportPercent); the step durations are gathered once for them all (cached, see
   * typicalStepMs).
   */
  async ofRows(rows: readonly ProjectListing[]): Promise<Progress[]> {
    const ahead = new Set<StepName>();
    for (const p of rows) for (const step of stepsAhead(p.state)) ahead.add(step);
    const durations: StepDurations = {};
    if (ahead.size) {
      const names = [...ahead];
      const ms = await Promise.all(names.map((s) => this.typicalStepMs(s)));
      names.forEach((s, i) => (durations[s] = ms[i]));
    }
    const now = Date.now();
    return rows.map((p) => progressOf(p, durations, now));
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

/** The steps a live project in each state still runs (none once it is over), listed once. */
const STEPS_AHEAD = new Map<ProjectState, readonly StepName[]>(
  PROJECT_STATES.map((state) => [
    state,
    state === 'DONE' || state === 'FAILED' || state === 'CANCELLED'
      ? []
      : STEP_NAMES.filter((name) => PROGRESS[STEPS[name].from] >= PROGRESS[state]),
  ]),
);

/** The steps a live project in `state` still runs (none once it is over). */
function stepsAhead(state: ProjectState): readonly StepName[] {
  return STEPS_AHEAD.get(state) ?? [];
}

/**
 * A row's progress from what it holds: its state, step and lease, its render's latest report of
 * this run (`reportPercent`), and the typical durations of the steps ahead (a step never timed here yet
 * counts its default, so the ETA is an estimate from the first step on, never unknown).
 */
export function progressOf(p: ProjectListing, durations: StepDurations, now: number): Progress {
  const state = p.state;
  const waitingFor = waitingForOf(p);
  if (state === 'DONE') return { percent: 100, etaSec: 0, waitingFor: null };
  const at = barStateOf(p);
  const percent = REPORTING_STATES.includes(at) ? runPercent(at, p.reportPercent) : PROGRESS[at];
  if (state === 'FAILED' || state === 'CANCELLED') return { percent, etaSec: null, waitingFor };
  const step = STEP_FOR_STATE[state];
  // the running step counts for what it has left (its lease held: what it reported is under way)
  const leased = !!p.leaseOwner && !!p.leaseUntil && p.leaseUntil.getTime() >= now;
  const fraction = step && leased ? fractionAt(step, percent) : 0;
  let etaMs = 0;
  for (const name of stepsAhead(state)) {
    const ms = durations[name] ?? DEFAULT_STEP_MS[name];
    etaMs += name === step ? ms * (1 - fraction) : ms;
  }
  return { percent, etaSec: Math.round(etaMs / 1000), waitingFor };
}

function waitingForOf(p: ProjectListing): Progress['waitingFor'] {
  if (OWNER_STOPS[p.state] && !p.nextRunAt) return 'owner';
  if (TERMINAL_STATES.includes(p.state) || p.state === 'FAILED') return null;
  return p.waitReason === 'budget' ? 'budget' : 'scheduler';
}
