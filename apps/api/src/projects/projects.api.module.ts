import { Module } from '@nestjs/common';
import { FilesModule, PipelineModule, ProviderHealthModule } from '@app/domain';
import { BearerModule } from '../auth/bearer.module';
import { AdminProjectsController } from '../admin/admin-projects.controller';
import { ArchiveController } from '../archive/archive.controller';
import { AdminUsageController } from '../admin/admin-usage.controller';
import { FilesController } from '../files/files.controller';
import { ProjectEventsStream } from './project-events.stream';
import { ClipView } from './clip-view';
import { ProjectView } from './project-view';
import { ProjectReplays } from './project.replays';
import { ProjectsController } from './projects.controller';
import { WebhooksController } from './webhooks.controller';

@Module({
  imports: [PipelineModule, FilesModule, ProviderHealthModule, BearerModule],
  controllers: [
    ProjectsController,
    ArchiveController,
    WebhooksController,
    FilesController,
    AdminProjectsController,
    AdminUsageController,
  ],
  providers: [ProjectEventsStream, ProjectView, ProjectReplays, ClipView],
})
export class ProjectsApiModule {}
