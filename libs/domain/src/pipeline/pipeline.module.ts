import { Module } from '@nestjs/common';
import { StoresModule } from '../stores/stores.module';
import { ContentRepository } from './content.repository';
import { PipelineService } from './pipeline.service';
import { DailyQuotaRepository } from './daily-quota.repository';
import { PipelineHealthRepository } from './pipeline-health.repository';
import { ProjectEventRepository } from './project-event.repository';
import { ProjectHousekeepingRepository } from './project-housekeeping.repository';
import { ProjectRepository } from './project.repository';
import { StepHandlers } from './step-handlers';
import { StepRunner } from './step-runner';
import { UsageRepository } from './usage.repository';
import { ArchiveService } from './archive.service';
import { FilesModule } from '../files/files.module';
import { ProjectEventFeed, ProjectEventPublisher, RedisEventChannel } from './live';

const providers = [
  ArchiveService,
  ContentRepository,
  PipelineService,
  ProjectRepository,
  ProjectEventRepository,
  DailyQuotaRepository,
  PipelineHealthRepository,
  ProjectHousekeepingRepository,
  StepHandlers,
  StepRunner,
  UsageRepository,
  RedisEventChannel,
  ProjectEventFeed,
  ProjectEventPublisher,
];

/** The pipeline: shared by the API (people's actions) and the scheduler (steps). */
@Module({ imports: [StoresModule, FilesModule], providers, exports: providers })
export class PipelineModule {}
