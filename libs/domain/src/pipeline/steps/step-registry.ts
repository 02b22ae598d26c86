import { STEPS, StepName } from '../project-state';
import { PipelineStep } from './pipeline-step';

/** The registered steps do not cover every StepName exactly once: the process must not start. */
export class StepRegistryError extends Error {}

/**
 * The steps the runner may run, checked when it is built (at module init, so a scheduler with
 * a step missing or registered twice refuses to start): every StepName has exactly one.
 */
export class StepRegistry {
  private readonly byName = new Map<StepName, PipelineStep>();

  constructor(steps: readonly PipelineStep[]) {
    const twice = new Set<string>();
    for (const step of steps) {
      if (this.byName.has(step.name)) twice.add(step.name);
      this.byName.set(step.name, step);
    }
    const known = Object.keys(STEPS) as StepName[];
    const missing = known.filter((name) => !this.byName.has(name));
    const unknown = [...this.byName.keys()].filter((name) => !(name in STEPS));
    const problems = [
      missing.length ? `no step registered for ${missing.join(', ')}` : '',
      twice.size ? `more than one step registered for ${[...twice].join(', ')}` : '',
      unknown.length ? `steps registered under unknown names: ${unknown.join(', ')}` : '',
    ].filter(Boolean);
    if (problems.length) throw new StepRegistryError(`pipeline steps: ${problems.join('; ')}`);
  }

  /** The one step registered under this name. */
  for(name: StepName): PipelineStep {
    return this.byName.get(name)!;
  }

  get names(): StepName[] {
    return [...this.byName.keys()];
  }
}
