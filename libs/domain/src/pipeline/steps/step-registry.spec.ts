import { STEPS, StepName } from '../project-state';
import { StepContext } from '../step-context';
import { PipelineStep } from './pipeline-step';
import { StepRegistry, StepRegistryError } from './step-registry';
import { PIPELINE_STEPS } from './index';

class NamedStep extends PipelineStep {
  constructor(readonly name: StepName) {
    super();
  }
  async run(_ctx: StepContext) {
    return { kind: 'wait' as const, nextRunAt: new Date() };
  }
}

const ALL = Object.keys(STEPS) as StepName[];

describe('StepRegistry', () => {
  it('takes one step per StepName and hands each out by name', () => {
    const steps = ALL.map((n) => new NamedStep(n));
    const registry = new StepRegistry(steps);
    for (const [i, name] of ALL.entries()) expect(registry.for(name)).toBe(steps[i]);
  });

  it('refuses to be built with a step missing, naming it', () => {
    const steps = ALL.filter((n) => n !== 'poll_video').map((n) => new NamedStep(n));
    expect(() => new StepRegistry(steps)).toThrow(StepRegistryError);
    expect(() => new StepRegistry(steps)).toThrow('no step registered for poll_video');
  });

  it('refuses a step registered twice, naming it', () => {
    const steps = [...ALL, 'submit_song' as const].map((n) => new NamedStep(n));
    expect(() => new StepRegistry(steps)).toThrow('more than one step registered for submit_song');
  });

  it('refuses a step under a name the pipeline does not have', () => {
    const steps = [...ALL, 'publish_video' as StepName].map((n) => new NamedStep(n));
    expect(() => new StepRegistry(steps)).toThrow('unknown names: publish_video');
  });

  it('the module’s step classes cover every step once, each from its STEPS state', () => {
    // the classes' dependencies play no part in their names: built bare, only to be named
    const steps = PIPELINE_STEPS.map((C) => new (C as unknown as new () => PipelineStep)());
    const registry = new StepRegistry(steps);
    for (const name of ALL) {
      expect(registry.for(name).from).toBe(STEPS[name].from);
      expect(registry.for(name).lane).toBe(STEPS[name].provider);
      expect(registry.for(name).paid).toBe(STEPS[name].paid);
    }
  });
});
