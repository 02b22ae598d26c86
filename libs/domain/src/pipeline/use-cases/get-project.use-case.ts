import { Injectable } from '@nestjs/common';
import { Principal } from '../../accounts/principal';
import { ProjectEntity } from '../../entities/project.entity';
import { ProjectRepository } from '../project.repository';
import { ownedProject } from './project-lookup';

/** One of the caller's projects. */
@Injectable()
export class GetProject {
  constructor(private readonly projects: ProjectRepository) {}

  execute(by: Principal, id: string): Promise<ProjectEntity> {
    return ownedProject(this.projects, by, id);
  }
}
