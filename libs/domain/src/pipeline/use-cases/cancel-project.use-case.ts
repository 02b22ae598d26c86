import { Injectable } from '@nestjs/common';
import { ProjectEntity } from '../../entities/project.entity';
import { ConflictError } from '../../errors/domain-errors';
import { TERMINAL_STATES } from '../project-state';
import { NO_RUN_IN_FLIGHT, ProjectRepository, Transition } from '../project.repository';
import { Actor, projectFor, reread } from './project-lookup';

/** A cancel that met the scheduler moving the project looks again this many times. */
const CANCEL_TRIES = 3;

/** What a cancelled re-render says: the project is DONE again with the video it had. */
export const RERENDER_CANCELLED = 'the re-render was cancelled; the video made before stays';

/**
 * Stops a project; a provider task in flight is abandoned (never submitted again). A re-render
 * of a finished project (running, or failed) is stopped back to DONE with the video it had.
 */
@Injectable()
export class CancelProject {
  constructor(private readonly projects: ProjectRepository) {}

  async execute(by: Actor, id: string): Promise<ProjectEntity> {
    let p = await projectFor(this.projects, by, id);
    for (let tries = 1; ; tries++) {
      if (TERMINAL_STATES.includes(p.state))
        throw new ConflictError(`the project is already ${p.state}`);
      const ok = await this.projects.transition(id, cancelOf(p));
      if (ok) return reread(this.projects, id);
      // the scheduler moved it between our read and the transition: cancel from where it is now
      if (tries >= CANCEL_TRIES)
        throw new ConflictError('the project changed meanwhile; try again');
      p = await reread(this.projects, id);
    }
  }
}

function cancelOf(p: ProjectEntity): Transition {
  const stopped = { nextRunAt: null, leaseOwner: null, leaseUntil: null };
  if (!p.rerendering) return { from: p.state, to: 'CANCELLED', cause: 'cancel', patch: stopped };
  return {
    from: p.state,
    to: 'DONE',
    cause: 'cancel',
    // DONE as the render that made its video left it: no step, no error, nothing pending
    patch: { ...stopped, ...NO_RUN_IN_FLIGHT, step: null, stepAttempts: 0 },
    message: RERENDER_CANCELLED,
  };
}
