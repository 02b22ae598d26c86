import { Injectable } from '@nestjs/common';
import { Principal } from '../../accounts/principal';
import { LyricSection, LyricsEntity } from '../../entities/content.entity';
import { ConflictError } from '../../errors/domain-errors';
import { ContentRepository } from '../content.repository';
import { ProjectRepository } from '../project.repository';
import { ownedProject } from './project-lookup';
import { stateAsShown } from '../presented-state';

/** The owner's edit becomes a new version (kept, approvable) while the lyrics await review. */
@Injectable()
export class EditLyrics {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly content: ContentRepository,
  ) {}

  async execute(
    by: Principal,
    id: string,
    draft: { title: string; sections: LyricSection[] },
  ): Promise<LyricsEntity> {
    const p = await ownedProject(this.projects, by, id);
    if (p.state !== 'LYRICS_READY')
      throw new ConflictError(
        `lyrics can be edited while the project is LYRICS_READY (it is ${stateAsShown(p)})`,
      );
    const added = await this.content.addLyrics(id, { ...draft, source: 'edited' }, false);
    return (await this.content.lyrics(added))!;
  }
}
