import { FfmpegError, ProviderRejectedError, ProviderUnavailableError } from '@app/integrations';
import type { AppConfig } from '../config/app-config';
import type { ProjectEntity } from '../entities/project.entity';
import { assertTransition, IllegalTransitionError, StepName, STEPS } from './project-state';
import type { ProjectPatch, ProjectRepository, Transition } from './project.repository';
import type { StepContext, StepOutcome } from './step-context';
import type { RunCancellation } from './run-cancellation';
import { StepRunner } from './step-runner';
import { PipelineStep } from './steps/pipeline-step';
import { StepRegistry } from './steps/step-registry';

/** The repository's contract, in memory: the gate asserts the table and guards state and lease. */
class InMemoryProjects {
  readonly rows = new Map<string, ProjectEntity>();
  readonly events: { id: string; from: string; to: string; step: string | null }[] = [];

  async findById(id: string) {
    const p = this.rows.get(id);
    return p ? { ...p } : null;
  }
  async transition(id: string, t: Transition): Promise<boolean> {
    assertTransition(t.from, t.to, t.cause);
    const p = this.rows.get(id);
    if (!p || p.state !== t.from || (t.leaseOwner && p.leaseOwner !== t.leaseOwner)) return false;
    Object.assign(p, t.patch, { state: t.to });
    this.events.push({ id, from: t.from, to: t.to, step: t.step ?? t.cause });
    return true;
  }
  async updateIfLeased(id: string, leaseOwner: string, patch: ProjectPatch) {
    const p = this.rows.get(id);
    if (!p || p.leaseOwner !== leaseOwner) return false;
    Object.assign(p, patch);
    return true;
  }
  async extendLease() {
    return true;
  }
  async markSubmitting(id: string, leaseOwner: string, key: string) {
    return this.updateIfLeased(id, leaseOwner, { pendingSubmissionKey: key });
  }
}

const config = {
  pipeline: { leaseMs: 30_000, maxAttempts: 3, backoffBaseMs: 1000, backoffMaxMs: 60_000 },
} as AppConfig;

function project(over: Partial<ProjectEntity> = {}): ProjectEntity {
  return {
    id: 'p1',
    state: 'DRAFT',
    step: 'prepare_store',
    stepAttempts: 0,
    retries: 0,
    leaseOwner: 'me:1',
    leaseUntil: new Date(Date.now() + 30_000),
    nextRunAt: new Date(),
    lastError: null,
    lastProviderError: null,
    waitReason: null,
    pendingSubmissionKey: null,
    pendingSubmissionAt: null,
    ...over,
  } as ProjectEntity;
}

/** The owner's cancel as the live feed would bring it, by hand. */
class CancelByHand {
  private readonly watches: AbortController[] = [];
  watch() {
    const c = new AbortController();
    this.watches.push(c);
    return { cancelled: c.signal, stop: () => undefined };
  }
  cancel() {
    for (const c of this.watches) c.abort(new Error('cancelled'));
  }
}

function runnerWith(handler: (ctx: StepContext) => Promise<StepOutcome>, row: ProjectEntity) {
  const projects = new InMemoryProjects();
  projects.rows.set(row.id, row);
  const calls: StepName[] = [];
  class RecordedStep extends PipelineStep {
    constructor(readonly name: StepName) {
      super();
    }
    run(ctx: StepContext) {
      calls.push(this.name);
      return handler(ctx);
    }
  }
  const steps = new StepRegistry(
    (Object.keys(STEPS) as StepName[]).map((name) => new RecordedStep(name)),
  );
  const cancellation = new CancelByHand();
  const runner = new StepRunner(
    config,
    projects as unknown as ProjectRepository,
    steps,
    cancellation as unknown as RunCancellation,
  );
  return { runner, projects, calls, cancellation, row: () => projects.rows.get(row.id)! };
}

describe('StepRunner', () => {
  it('stops a step at once when its project is cancelled: no retry, no failure written', async () => {
    let seen: AbortSignal | undefined;
    const t = runnerWith(
      (ctx) =>
        new Promise<StepOutcome>((_resolve, reject) => {
          seen = ctx.signal;
          ctx.signal.addEventListener('abort', () => reject(new Error('ffmpeg killed')));
        }),
      project({ state: 'SONG_READY', step: 'submit_video' }),
    );
    const running = t.runner.run('p1', 'me:1');
    await new Promise((r) => setImmediate(r));
    // the owner's cancel took the project (and its lease) meanwhile
    Object.assign(t.row(), { state: 'CANCELLED', leaseOwner: null, leaseUntil: null });
    t.cancellation.cancel();
    expect(await running).toBe('lost-lease');
    expect(seen?.aborted).toBe(true);
    expect(t.row()).toMatchObject({ state: 'CANCELLED', stepAttempts: 0, lastError: null });
    expect(t.projects.events).toEqual([]);
  });

  it('advances through the gate: new state, an event, the lease released, attempts reset', async () => {
    const t = runnerWith(
      async () => ({ kind: 'advance', to: 'STORE_READY', nextRunAt: new Date() }),
      project({ stepAttempts: 2 }),
    );
    expect(await t.runner.run('p1', 'me:1')).toBe('advanced');
    expect(t.row()).toMatchObject({
      state: 'STORE_READY',
      step: 'write_lyrics',
      stepAttempts: 0,
      leaseOwner: null,
      leaseUntil: null,
    });
    expect(t.projects.events).toEqual([
      { id: 'p1', from: 'DRAFT', to: 'STORE_READY', step: 'prepare_store' },
    ]);
  });

  it('starts from the row its claim returned, without reading it again', async () => {
    const t = runnerWith(
      async (ctx) => ({
        kind: 'advance',
        to: 'STORE_READY',
        nextRunAt: null,
        message: ctx.project.storeId,
      }),
      project(),
    );
    const reads = jest.spyOn(t.projects, 'findById');
    const claimed = project({ storeId: 'as-claimed' });
    expect(await t.runner.run('p1', 'me:1', claimed)).toBe('advanced');
    expect(reads).not.toHaveBeenCalled();
    expect(t.row().state).toBe('STORE_READY');
    // a row claimed under another token is not trusted: the run reads the project and finds the lease gone
    const other = runnerWith(
      async () => ({ kind: 'advance', to: 'STORE_READY', nextRunAt: null }),
      project({ leaseOwner: 'other:2' }),
    );
    expect(await other.runner.run('p1', 'me:1', project({ leaseOwner: 'old:3' }))).toBe(
      'lost-lease',
    );
    expect(other.calls).toEqual([]);
  });

  it('runs nothing for a project whose lease is someone else’s', async () => {
    const t = runnerWith(
      async () => ({ kind: 'advance', to: 'STORE_READY', nextRunAt: null }),
      project({ leaseOwner: 'other:2' }),
    );
    expect(await t.runner.run('p1', 'me:1')).toBe('lost-lease');
    expect(t.calls).toEqual([]);
    expect(t.row().state).toBe('DRAFT');
  });

  it('retries a provider outage later with backoff, and gives up after PIPELINE_MAX_ATTEMPTS', async () => {
    const t = runnerWith(
      async () => {
        throw new ProviderUnavailableError('suno', 'suno answered 503', 5);
      },
      project({ state: 'LYRICS_READY', step: 'submit_song', pendingSubmissionKey: 'k' }),
    );
    const before = Date.now();
    expect(await t.runner.run('p1', 'me:1')).toBe('retrying');
    expect(t.row()).toMatchObject({
      state: 'LYRICS_READY',
      stepAttempts: 1,
      lastError: 'suno answered 503',
      // a clear refusal was not taken: the next attempt may send anew
      pendingSubmissionKey: null,
      leaseOwner: null,
    });
    // never sooner than Retry-After
    expect(t.row().nextRunAt!.getTime()).toBeGreaterThanOrEqual(before + 5000);
    for (const attempts of [2, 3]) {
      Object.assign(t.row(), { leaseOwner: 'me:1', leaseUntil: new Date(Date.now() + 30_000) });
      const result = await t.runner.run('p1', 'me:1');
      expect(result).toBe(attempts < 3 ? 'retrying' : 'failed');
    }
    expect(t.row()).toMatchObject({
      state: 'FAILED',
      step: 'submit_song',
      lastError: 'gave up after 3 attempts: suno answered 503',
      lastProviderError: 'suno: suno answered 503',
    });
  });

  it('keeps the "submitting" marker after an ambiguous submission (it may have been taken)', async () => {
    const t = runnerWith(
      async () => {
        throw new ProviderUnavailableError('suno', 'suno did not answer in time', undefined, true);
      },
      project({ state: 'LYRICS_READY', step: 'submit_song', pendingSubmissionKey: 'k' }),
    );
    expect(await t.runner.run('p1', 'me:1')).toBe('retrying');
    expect(t.row().pendingSubmissionKey).toBe('k');
  });

  it('keeps the "submitting" marker when our own failure (not the provider’s answer) ends the try', async () => {
    const t = runnerWith(
      async () => {
        // a deadlock while metering, after the provider took the render
        throw Object.assign(new Error('Deadlock found'), { code: 'ER_LOCK_DEADLOCK' });
      },
      project({ state: 'SONG_READY', step: 'submit_video', pendingSubmissionKey: 'k' }),
    );
    expect(await t.runner.run('p1', 'me:1')).toBe('retrying');
    expect(t.row().pendingSubmissionKey).toBe('k');
  });

  it('fails at once, with the reason, when the provider refuses for good', async () => {
    const t = runnerWith(
      async () => {
        throw new ProviderRejectedError('suno', 'suno is out of credits');
      },
      project({ state: 'LYRICS_READY', step: 'submit_song' }),
    );
    expect(await t.runner.run('p1', 'me:1')).toBe('failed');
    expect(t.row()).toMatchObject({ state: 'FAILED', lastError: 'suno is out of credits' });
    expect(t.projects.events.at(-1)).toMatchObject({ to: 'FAILED', step: 'submit_song' });
  });

  it.each([
    [
      'retries',
      'a render crash, which its error calls transient',
      'retrying',
      new FfmpegError('the render stopped', 'SIGSEGV'),
    ],
    [
      'fails',
      'an error of ours nothing calls transient',
      'failed',
      new TypeError('x is undefined'),
    ],
  ])('%s %s', async (_verb, _what, result, err) => {
    const submitVideo = project({ state: 'SONG_READY', step: 'submit_video' });
    const t = runnerWith(() => Promise.reject(err), submitVideo);
    expect(await t.runner.run('p1', 'me:1')).toBe(result);
    expect(t.row().lastError).toBe(err.message);
  });

  it('records why a project waits as a column, and clears it when the step goes on', async () => {
    let budgetSpent = true;
    const t = runnerWith(
      async () =>
        budgetSpent
          ? {
              kind: 'wait',
              nextRunAt: new Date(Date.now() + 60_000),
              patch: { waitReason: 'budget', lastError: 'waiting: the daily suno budget' },
            }
          : { kind: 'advance', to: 'SONG_SUBMITTED', nextRunAt: new Date() },
      project({ state: 'LYRICS_READY', step: 'submit_song' }),
    );
    expect(await t.runner.run('p1', 'me:1')).toBe('waiting');
    expect(t.row()).toMatchObject({ state: 'LYRICS_READY', waitReason: 'budget' });
    budgetSpent = false;
    Object.assign(t.row(), { leaseOwner: 'me:1', leaseUntil: new Date(Date.now() + 30_000) });
    expect(await t.runner.run('p1', 'me:1')).toBe('advanced');
    expect(t.row()).toMatchObject({ state: 'SONG_SUBMITTED', waitReason: null, lastError: null });
  });

  it('refuses a handler outcome the transition table does not allow', async () => {
    const t = runnerWith(
      async () => ({ kind: 'advance', to: 'DONE', nextRunAt: null }),
      project({ state: 'DRAFT' }),
    );
    await expect(t.runner.run('p1', 'me:1')).rejects.toBeInstanceOf(IllegalTransitionError);
    expect(t.row().state).toBe('DRAFT');
  });
});
