import { Injectable } from '@nestjs/common';
import { PublicationRunner, StepRunner, WorkResult } from '@app/domain';
import { WorkJob } from './work-dispatcher';

/** Runs a dispatched job with the runner of its kind (both drivers call this). */
@Injectable()
export class WorkRunners {
  constructor(
    private readonly steps: StepRunner,
    private readonly publications: PublicationRunner,
  ) {}

  run(job: WorkJob): Promise<WorkResult> {
    return job.kind === 'publication'
      ? this.publications.run(job.id, job.leaseOwner)
      : this.steps.run(job.id, job.leaseOwner, job.claimed);
  }
}
