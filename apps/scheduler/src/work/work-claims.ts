import { Injectable } from '@nestjs/common';
import { ProjectRepository, PublicationRepository } from '@app/domain';

/** The claims of every kind of leased work, for recovery and housekeeping. */
@Injectable()
export class WorkClaims {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly publications: PublicationRepository,
  ) {}

  /** Gives back everything claimed by a scheduler known to be dead: claimable now. */
  async releaseClaimsOf(instanceId: string): Promise<number> {
    return (
      (await this.projects.releaseClaimsOf(instanceId)) +
      (await this.publications.releaseClaimsOf(instanceId))
    );
  }

  /** Leases whose holder died are cleared (the rows were reclaimable anyway). */
  async clearExpiredLeases(): Promise<number> {
    return (
      (await this.projects.clearExpiredLeases()) + (await this.publications.clearExpiredLeases())
    );
  }
}
