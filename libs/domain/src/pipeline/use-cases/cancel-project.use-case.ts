import { Injectable } from '@nestjs/common';
import { ProjectEntity } from '../../entities/project.entity';
import { ConflictError } from '../../errors/domain-errors';
import { TERMINAL_STATES } from '../project-state';
import { ProjectRepository } from '../project.repository';
import { Actor, projectFor, reread } from './project-lookup';

/** Stops a project; a provider task in flight is abandoned (never submitted again). */
@Injectable()
export class CancelProject {
  constructor(private readonly projects: ProjectRepository) {}

  async execute(by: Actor, id: string): Promise<ProjectEntity> {
    const p = await projectFor(this.projects, by, id);
    if (TERMINAL_STATES.includes(p.state))
      throw new ConflictError(`the project is already ${p.state}`);
    const ok = await this.projects.transition(id, {
      from: p.state,
      to: 'CANCELLED',
      cause: 'cancel',
      patch: { nextRunAt: null, leaseOwner: null, leaseUntil: null },
    });
    if (!ok) throw new ConflictError('the project changed meanwhile; try again');
    return reread(this.projects, id);
  }
}
