import { Injectable } from '@nestjs/common';
import { Principal } from '../../accounts/principal';
import { ProjectEntity } from '../../entities/project.entity';
import { ownerOf } from '../../stores/owner';
import { ProjectListing } from '../project-listing';
import { ProjectRepository } from '../project.repository';

export interface ProjectPageQuery {
  limit: number;
  states?: string[];
  after?: { createdAt: Date; id: string };
}

/** The caller's projects, newest first, a page at a time. */
@Injectable()
export class ListProjects {
  constructor(private readonly projects: ProjectRepository) {}

  execute(by: Principal, query: ProjectPageQuery): Promise<ProjectListing[]> {
    return this.projects.listOwned(ownerOf(by), query);
  }
}

/** Ops: every user's projects, newest first, a page at a time. */
@Injectable()
export class ListAllProjects {
  constructor(private readonly projects: ProjectRepository) {}

  execute(query: ProjectPageQuery): Promise<ProjectEntity[]> {
    return this.projects.listAll(query);
  }
}
