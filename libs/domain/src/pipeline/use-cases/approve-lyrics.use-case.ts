import { Injectable } from '@nestjs/common';
import { Principal } from '../../accounts/principal';
import { ProjectEntity } from '../../entities/project.entity';
import { ConflictError, NotFoundError } from '../../errors/domain-errors';
import { ContentRepository } from '../content.repository';
import { ProjectRepository } from '../project.repository';
import { goAhead, ownedProject } from './project-lookup';
import { stateAsShown } from '../presented-state';

/** Approves a lyrics version (the latest by default): the song is made from it. */
@Injectable()
export class ApproveLyrics {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly content: ContentRepository,
  ) {}

  async execute(by: Principal, id: string, version?: number): Promise<ProjectEntity> {
    const p = await ownedProject(this.projects, by, id);
    if (p.state !== 'LYRICS_READY')
      throw new ConflictError(
        `lyrics can be approved while the project is LYRICS_READY (it is ${stateAsShown(p)})`,
      );
    const versions = await this.content.lyricsVersions(id);
    const chosen =
      version === undefined
        ? versions[versions.length - 1]
        : versions.find((v) => v.version === version);
    if (!chosen) throw new NotFoundError(`lyrics version ${version} not found`);
    await this.content.approveLyrics(chosen.id);
    return goAhead(this.projects, id, 'LYRICS_READY');
  }
}
