import { Injectable } from '@nestjs/common';
import {
  LOCAL_VIDEO_ENGINE,
  templateIdProblem,
  VIDEO_ENGINE_LABELS,
  VideoEngineName,
} from '@app/integrations';
import { Principal } from '../../accounts/principal';
import { AppConfig } from '../../config/app-config';
import { ProjectEntity } from '../../entities/project.entity';
import { ConflictError, InvalidInputError } from '../../errors/domain-errors';
import { ContentRepository } from '../content.repository';
import { ProjectRepository } from '../project.repository';
import { goAhead, ownedProject, refuseWhileRendering, remake } from './project-lookup';
import { stateAsShown } from '../presented-state';

export interface VideoChoice {
  engine?: VideoEngineName;
  templateId?: string;
}

/**
 * Video: rendered from the picked clip, with the engine and template asked for; asked again
 * once DONE, it renders anew (the current video stays until the new one is ready).
 */
@Injectable()
export class MakeVideo {
  constructor(
    private readonly config: AppConfig,
    private readonly projects: ProjectRepository,
    private readonly content: ContentRepository,
  ) {}

  async execute(by: Principal, id: string, choice: VideoChoice): Promise<ProjectEntity> {
    const p = await ownedProject(this.projects, by, id);
    this.checkChoice(choice);
    const options = {
      ...p.options,
      ...(choice.engine ? { videoEngine: choice.engine } : {}),
      ...(choice.templateId ? { templateId: choice.templateId } : {}),
    };
    if (!(await this.content.clips(id)).some((c) => c.selected))
      throw new ConflictError('pick a clip first (POST /v1/projects/{id}/song/select)');
    if (p.state === 'SONG_READY') {
      refuseWhileRendering(p, 'the engine and look');
      return goAhead(this.projects, id, 'SONG_READY', { options });
    }
    if (p.state !== 'DONE')
      throw new ConflictError(
        `a video can be made while the project is SONG_READY or DONE (it is ${stateAsShown(p)})`,
      );
    // the owner keeps a finished project, and its video, until the new one is saved
    return remake(this.projects, p, 'remake_video', { options, rerendering: true });
  }

  /** The engine must be one this server has (the configured one, or the local one). */
  private checkChoice(choice: VideoChoice): void {
    const configured = this.config.integrations.video.engine;
    if (choice.engine && choice.engine !== configured && choice.engine !== LOCAL_VIDEO_ENGINE)
      throw new ConflictError(
        `the ${VIDEO_ENGINE_LABELS[choice.engine]} engine is not configured on this server (VIDEO_ENGINE=${choice.engine})`,
      );
    const problem =
      choice.templateId && templateIdProblem(choice.engine ?? configured, choice.templateId);
    if (problem) throw new InvalidInputError(problem, { field: 'templateId' });
  }
}
