import { Injectable } from '@nestjs/common';
import { ProjectEntity } from '../../entities/project.entity';
import { ConflictError } from '../../errors/domain-errors';
import { TERMINAL_STATES } from '../project-state';
import { ProjectRepository } from '../project.repository';
import { Actor, projectFor, reread } from './project-lookup';

/** A cancel that met the scheduler moving the project looks again this many times. */
const CANCEL_TRIES = 3;

/** Stops a project; a provider task in flight is abandoned (never submitted again). */
@Injectable()
export class CancelProject {
  constructor(private readonly projects: ProjectRepository) {}

  async execute(by: Actor, id: string): Promise<ProjectEntity> {
    let p = await projectFor(this.projects, by, id);
    for (let tries = 1; ; tries++) {
      if (TERMINAL_STATES.includes(p.state))
        throw new ConflictError(`the project is already ${p.state}`);
      const ok = await this.projects.transition(id, {
        from: p.state,
        to: 'CANCELLED',
        cause: 'cancel',
        patch: { nextRunAt: null, leaseOwner: null, leaseUntil: null },
      });
      if (ok) return reread(this.projects, id);
      // the scheduler moved it between our read and the transition: cancel from where it is now
      if (tries >= CANCEL_TRIES)
        throw new ConflictError('the project changed meanwhile; try again');
      p = await reread(this.projects, id);
    }
  }
}
