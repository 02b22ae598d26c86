import { Injectable } from '@nestjs/common';
import { Principal } from '../../accounts/principal';
import { ProjectEntity } from '../../entities/project.entity';
import { ConflictError } from '../../errors/domain-errors';
import { ContentRepository } from '../content.repository';
import { ProjectRepository } from '../project.repository';
import { goAhead, ownedProject, remake } from './project-lookup';
import { stateAsShown } from '../presented-state';

/**
 * Song: made from the approved lyrics (it starts when they are approved); asked again while
 * the clips await a pick, it makes two new ones. A remake gets new idempotency keys.
 */
@Injectable()
export class MakeSong {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly content: ContentRepository,
  ) {}

  async execute(by: Principal, id: string): Promise<ProjectEntity> {
    const p = await ownedProject(this.projects, by, id);
    if (p.state === 'LYRICS_READY') {
      if (!(await this.content.approvedLyrics(id)))
        throw new ConflictError('approve the lyrics first (POST /v1/projects/{id}/lyrics/approve)');
      return goAhead(this.projects, id, 'LYRICS_READY');
    }
    if (p.state !== 'SONG_READY')
      throw new ConflictError(
        `a song can be made while the project is LYRICS_READY or SONG_READY (it is ${stateAsShown(p)})`,
      );
    return remake(this.projects, p, 'remake_song');
  }
}
