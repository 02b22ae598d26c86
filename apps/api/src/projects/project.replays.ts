import { Injectable, OnModuleInit } from '@nestjs/common';
import { GetProject } from '@app/domain';
import { IdempotentReplays } from '../http/idempotent-replays';
import { ProjectView } from './project-view';

/** A replayed project request (a new project, or an action on one) answers with it as it is now. */
@Injectable()
export class ProjectReplays implements OnModuleInit {
  constructor(
    private readonly replays: IdempotentReplays,
    private readonly projects: GetProject,
    private readonly view: ProjectView,
  ) {}

  onModuleInit(): void {
    this.replays.register('project', async (by, [id]) =>
      this.view.of(await this.projects.execute(by, id)),
    );
  }
}
