import { Injectable, Logger } from '@nestjs/common';
import { ProjectState, StepName } from '../project-state';
import { ProjectEventRepository } from '../project-event.repository';
import { StepContext } from '../step-context';
import { percentDuring, reportMessage, reportsSince, StepProgressReporter } from '../step-progress';

/** How far a running step is, written as events under the lease for the owner's live view. */
@Injectable()
export class StepProgressWriter {
  private readonly logger = new Logger(StepProgressWriter.name);

  constructor(private readonly events: ProjectEventRepository) {}

  /** For a step that runs long in-process: reports thinned out to a trickle of writes. */
  reporter(ctx: StepContext, step: StepName): StepProgressReporter {
    return new StepProgressReporter((fraction) => this.record(ctx, step, fraction));
  }

  /** A provider's stage, seen on a poll: written only when it moved the project's percent on. */
  async polled(ctx: StepContext, step: StepName, fraction: number): Promise<void> {
    const percent = percentDuring(step, fraction);
    if (percent <= percentDuring(step, 0)) return;
    const last = await this.events.latestEvent(ctx.project.id);
    if (last?.percent != null && last.percent >= percent) return;
    await this.record(ctx, step, fraction);
  }

  /**
   * A report that cannot be written is not worth failing the step for. One below the run's
   * last report (the step run again after a restart or a failed attempt) says so, so the bar
   * going back has a reason.
   */
  private async record(ctx: StepContext, step: StepName, fraction: number): Promise<void> {
    const p = ctx.project;
    const percent = percentDuring(step, fraction);
    await this.events
      .latestReportSince(p.id, reportsSince(p.state as ProjectState))
      .then((last) =>
        this.events.recordProgress(p.id, ctx.leaseOwner, {
          state: p.state as ProjectState,
          step,
          percent,
          message: reportMessage(fraction, last?.percent != null && last.percent > percent),
        }),
      )
      .then(() => undefined)
      .catch((err: Error) =>
        this.logger.warn(`project ${p.id}: progress not recorded (${err.message})`),
      );
  }
}
