import { Injectable } from '@nestjs/common';
import { Principal } from '../../accounts/principal';
import { ProjectEntity } from '../../entities/project.entity';
import { ConflictError, NotFoundError } from '../../errors/domain-errors';
import { ContentRepository } from '../content.repository';
import { ProjectRepository } from '../project.repository';
import { goAhead, ownedProject, refuseWhileRendering } from './project-lookup';
import { stateAsShown } from '../presented-state';

/** Picks the clip the video is made with; the video follows. */
@Injectable()
export class SelectClip {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly content: ContentRepository,
  ) {}

  async execute(by: Principal, id: string, songId: string): Promise<ProjectEntity> {
    const p = await ownedProject(this.projects, by, id);
    if (p.state !== 'SONG_READY')
      throw new ConflictError(
        `a clip can be picked while the project is SONG_READY (it is ${stateAsShown(p)})`,
      );
    refuseWhileRendering(p, 'the clip');
    if (!(await this.content.selectClip(id, songId)))
      throw new NotFoundError(`clip ${songId} not found in this project`);
    return goAhead(this.projects, id, 'SONG_READY');
  }
}
