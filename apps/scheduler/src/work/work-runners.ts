import { Injectable } from '@nestjs/common';
import { PublicationRunner, ResultReadingRunner, StepRunner, WorkResult } from '@app/domain';
import { WorkJob } from './work-dispatcher';

/** Runs a dispatched job with the runner of its kind (both drivers call this). */
@Injectable()
export class WorkRunners {
  constructor(
    private readonly steps: StepRunner,
    private readonly publications: PublicationRunner,
    private readonly readings: ResultReadingRunner,
  ) {}

  run(job: WorkJob): Promise<WorkResult> {
    if (job.kind === 'publication') return this.publications.run(job.id, job.leaseOwner);
    if (job.kind === 'reading') return this.readings.run(job.id, job.leaseOwner);
    return this.steps.run(job.id, job.leaseOwner, job.claimed);
  }
}
