import { Injectable } from '@nestjs/common';
import { Principal } from '../../accounts/principal';
import { ProjectEntity } from '../../entities/project.entity';
import { ConflictError } from '../../errors/domain-errors';
import { ProjectRepository } from '../project.repository';
import { ownedProject, remake, reread } from './project-lookup';

/** Writes new lyrics (with the owner's hints) instead of the current ones. */
@Injectable()
export class RegenerateLyrics {
  constructor(private readonly projects: ProjectRepository) {}

  async execute(by: Principal, id: string, hints?: string): Promise<ProjectEntity> {
    const p = await ownedProject(this.projects, by, id);
    if (p.state !== 'LYRICS_READY' && p.state !== 'STORE_READY')
      throw new ConflictError(
        `lyrics can be regenerated before the song is made (the project is ${p.state})`,
      );
    if (p.state === 'STORE_READY') return reread(this.projects, id);
    // a new generation gets a new key: new lyrics even when the hints are the same
    return remake(this.projects, p, 'regenerate_lyrics', {
      options: { ...p.options, lyricHints: hints },
    });
  }
}
