import { Injectable, Logger } from '@nestjs/common';
import { isTransientFailure, ProviderError, ProviderUnavailableError } from '@app/integrations';
import { AppConfig } from '../config/app-config';
import { ProjectEntity } from '../entities/project.entity';
import { isDatabaseUnavailable } from '../database/connection-errors';
import { providerErrors, stepDuration } from '../metrics/metrics';
import { retryDelayMs, WorkResult } from '../work/retry-policy';
import { LeasedWorkRunner, LeaseLostError, WorkRun } from '../work/leased-work-runner';
import { STEP_FOR_STATE, StepName } from './project-state';
import { ProjectRepository } from './project.repository';
import { RunCancellation } from './run-cancellation';
import { StepFailedError, StepOutcome } from './step-context';
import { PipelineStep } from './steps/pipeline-step';
import { StepRegistry } from './steps/step-registry';

/**
 * Runs one step of one claimed project on the shared leased-work skeleton (LeasedWorkRunner):
 * the registered step, then the result written under the lease (fenced) through
 * ProjectRepository.transition(), with retries (exponential backoff, jitter, Retry-After) and,
 * after the step's last attempt or a permanent error, FAILED with a reason a person can read.
 */
@Injectable()
export class StepRunner extends LeasedWorkRunner<ProjectEntity, StepOutcome> {
  protected readonly logger = new Logger(StepRunner.name);

  constructor(
    private readonly config: AppConfig,
    private readonly projects: ProjectRepository,
    private readonly steps: StepRegistry,
    private readonly cancellation: RunCancellation,
  ) {
    super('project', projects, config.pipeline.leaseMs);
  }

  /** `claimed`: the row as its claim returned it (no read); else it is read here */
  run(projectId: string, leaseOwner: string, claimed?: ProjectEntity): Promise<WorkResult> {
    return this.runLeased(projectId, leaseOwner, claimed);
  }

  protected hasWork(p: ProjectEntity): boolean {
    return STEP_FOR_STATE[p.state] !== undefined;
  }

  protected async perform(run: WorkRun<ProjectEntity>): Promise<StepOutcome> {
    const { row: p, leaseOwner } = run;
    const step = this.stepOf(p);
    const attempt = p.stepAttempts + 1;
    const watch = this.cancellation.watch(p.id);
    try {
      return await step.run({
        project: p,
        attempt,
        idempotencyKey: stepKey(p.id, step.name, attempt, p.retries),
        leaseOwner,
        signal: AbortSignal.any([run.signal, watch.cancelled]),
        markSubmitting: async (key) => {
          if (!(await this.projects.markSubmitting(p.id, leaseOwner, key)))
            throw new LeaseLostError();
        },
      });
    } catch (err) {
      if (!watch.cancelled.aborted) throw err;
      // the owner's cancel already wrote the outcome: nothing to retry, fail or write back
      this.logger.log(`project ${p.id} cancelled during ${step.name}; its run stopped`);
      throw new LeaseLostError();
    } finally {
      watch.stop();
    }
  }

  protected writeBack(run: WorkRun<ProjectEntity>, o: StepOutcome, durationMs: number) {
    return this.apply(run.row, this.stepOf(run.row).name, run.leaseOwner, o, durationMs);
  }

  protected failed({ row, leaseOwner }: WorkRun<ProjectEntity>, err: unknown) {
    if (err instanceof ProviderError)
      providerErrors.inc({ provider: err.provider, kind: err.failure });
    return this.retryOrFail(row, this.stepOf(row), row.stepAttempts + 1, leaseOwner, err);
  }

  /** every run is counted by its outcome, a lost lease or a release too */
  protected override observe({ row }: WorkRun<ProjectEntity>, result: WorkResult, ms: number) {
    const step = this.stepOf(row);
    stepDuration.observe({ step: step.name, provider: step.lane, outcome: result }, ms / 1000);
  }

  private stepOf(p: ProjectEntity): PipelineStep {
    return this.steps.for(STEP_FOR_STATE[p.state]!);
  }

  private async apply(
    p: ProjectEntity,
    step: StepName,
    leaseOwner: string,
    o: StepOutcome,
    durationMs: number,
  ): Promise<WorkResult> {
    const from = p.state;
    const release = { leaseOwner: null, leaseUntil: null };
    if (o.kind === 'wait') {
      const ok = await this.projects.updateIfLeased(p.id, leaseOwner, {
        nextRunAt: o.nextRunAt,
        waitReason: null,
        ...(o.patch ?? {}),
        ...release,
      });
      return ok ? 'waiting' : 'lost-lease';
    }
    if (o.kind === 'fail')
      return this.markFailed(p, step, leaseOwner, o.reason, o.providerError ?? null);
    const ok = await this.projects.transition(p.id, {
      from,
      to: o.to,
      cause: step,
      leaseOwner,
      patch: {
        step: STEP_FOR_STATE[o.to] ?? null,
        stepAttempts: 0,
        nextRunAt: o.nextRunAt,
        lastError: null,
        lastProviderError: null,
        waitReason: null,
        stepStartedAt: null,
        ...(o.patch ?? {}),
        ...release,
      },
      durationMs,
      message: o.message,
    });
    return ok ? 'advanced' : 'lost-lease';
  }

  private async retryOrFail(
    p: ProjectEntity,
    step: PipelineStep,
    attempt: number,
    leaseOwner: string,
    err: unknown,
  ): Promise<WorkResult> {
    const message = err instanceof Error ? err.message : String(err);
    // what a tool printed (paths, URLs) goes to the log only; the owner sees the short message
    const detail = (err as { detail?: string }).detail;
    if (detail)
      this.logger.warn(`project ${p.id} ${step.name} attempt ${attempt}: ${message}: ${detail}`);
    const permanent =
      err instanceof StepFailedError ||
      (err instanceof ProviderError && err.failure !== 'unavailable') ||
      !(err instanceof ProviderError || isTransient(err));
    const retryAfterSec = err instanceof ProviderUnavailableError ? err.retryAfterSec : undefined;
    const delay = permanent ? null : retryDelayMs(attempt, this.config.pipeline, retryAfterSec);
    if (delay === null) {
      const reason = permanent ? message : `gave up after ${attempt} attempts: ${message}`;
      return this.markFailed(
        p,
        step.name,
        leaseOwner,
        reason,
        err instanceof ProviderError ? `${err.provider}: ${err.message}` : null,
      );
    }
    this.logger.warn(
      `project ${p.id} ${step.name} attempt ${attempt} failed (${message}); retrying in ${delay} ms`,
    );
    // a paid submission the provider clearly refused (an HTTP answer, a refused connection)
    // was not taken: its "submitting" marker goes, so the next attempt sends anew. Our own
    // failure (the database, metering) may come after the provider took it: the marker stays
    const refused =
      step.paid &&
      err instanceof ProviderError &&
      !(err instanceof ProviderUnavailableError && err.ambiguous);
    const ok = await this.projects.updateIfLeased(p.id, leaseOwner, {
      stepAttempts: attempt,
      nextRunAt: new Date(Date.now() + delay),
      lastError: message,
      waitReason: null,
      ...(err instanceof ProviderError
        ? { lastProviderError: `${err.provider}: ${err.message}` }
        : {}),
      leaseOwner: null,
      leaseUntil: null,
      ...(refused ? { pendingSubmissionKey: null, pendingSubmissionAt: null } : {}),
    });
    return ok ? 'retrying' : 'lost-lease';
  }

  private async markFailed(
    p: ProjectEntity,
    step: StepName,
    leaseOwner: string,
    reason: string,
    providerError: string | null,
  ): Promise<WorkResult> {
    const from = p.state;
    this.logger.warn(`project ${p.id} FAILED at ${step}: ${reason}`);
    const ok = await this.projects.transition(p.id, {
      from,
      to: 'FAILED',
      cause: 'fail',
      step,
      leaseOwner,
      patch: {
        step,
        nextRunAt: null,
        lastError: reason,
        lastProviderError: providerError,
        waitReason: null,
        leaseOwner: null,
        leaseUntil: null,
      },
      message: reason,
    });
    return ok ? 'failed' : 'lost-lease';
  }
}

/** Errors that a later attempt may not hit: network trouble, a busy database, an FFmpeg hiccup. */
function isTransient(err: unknown): boolean {
  return (
    isDatabaseUnavailable(err) ||
    (err as { code?: string })?.code === 'ER_LOCK_DEADLOCK' ||
    isTransientFailure(err)
  );
}

/** (project, step, attempt), plus the retry generation once a person retried the project. */
export function stepKey(projectId: string, step: string, attempt: number, retries: number): string {
  return `${projectId}:${step}:${attempt}${retries > 0 ? `:r${retries}` : ''}`;
}
