import { Injectable } from '@nestjs/common';
import { Principal } from '../../accounts/principal';
import { LyricsEntity, SongEntity, VideoEntity } from '../../entities/content.entity';
import { NotFoundError } from '../../errors/domain-errors';
import { ContentRepository } from '../content.repository';
import { ProjectRepository } from '../project.repository';
import { ownedProject } from './project-lookup';

/** What one of the caller's projects has made so far: lyrics versions, clips, the video. */
@Injectable()
export class ProjectContent {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly content: ContentRepository,
  ) {}

  /** Every lyrics version, oldest first. */
  async lyricsVersions(by: Principal, id: string): Promise<LyricsEntity[]> {
    await ownedProject(this.projects, by, id);
    return this.content.lyricsVersions(id);
  }

  async clips(by: Principal, id: string): Promise<SongEntity[]> {
    await ownedProject(this.projects, by, id);
    return this.content.clips(id);
  }

  /** The video (not found until it is made). */
  async video(by: Principal, id: string): Promise<VideoEntity> {
    await ownedProject(this.projects, by, id);
    const v = await this.content.video(id);
    if (!v) throw new NotFoundError('this project has no video yet');
    return v;
  }
}
