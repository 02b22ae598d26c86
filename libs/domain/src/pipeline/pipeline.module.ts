import { Module } from '@nestjs/common';
import { StoresModule } from '../stores/stores.module';
import { BudgetHoldRepository } from './budget-hold.repository';
import { ContentRepository } from './content.repository';
import { DailyQuotaRepository } from './daily-quota.repository';
import { PipelineHealthRepository } from './pipeline-health.repository';
import { ProjectEventRepository } from './project-event.repository';
import { ProjectHousekeepingRepository } from './project-housekeeping.repository';
import { PIPELINE_USE_CASES } from './use-cases/pipeline-use-cases';
import { ProjectRepository } from './project.repository';
import { RunCancellation } from './run-cancellation';
import { StepRunner } from './step-runner';
import { UsageRepository } from './usage.repository';
import { ArchiveService } from './archive.service';
import { FilesModule } from '../files/files.module';
import { ResultsStoreModule } from '../results/results-store.module';
import { ProjectEventFeed, ProjectEventPublisher, RedisEventChannel } from './live';
import {
  PIPELINE_STEPS,
  PipelineStep,
  StepMetering,
  StepProgressWriter,
  StepRegistry,
  SubmissionGuard,
} from './steps';

const providers = [
  ArchiveService,
  ContentRepository,
  ProjectRepository,
  ProjectEventRepository,
  DailyQuotaRepository,
  PipelineHealthRepository,
  ProjectHousekeepingRepository,
  StepRunner,
  RunCancellation,
  UsageRepository,
  BudgetHoldRepository,
  RedisEventChannel,
  ProjectEventFeed,
  ProjectEventPublisher,
  ...PIPELINE_USE_CASES,
];

/** The steps and what they share; the registry is built (and checked) at module init. */
const steps = [
  ...PIPELINE_STEPS,
  StepMetering,
  StepProgressWriter,
  SubmissionGuard,
  {
    provide: StepRegistry,
    inject: PIPELINE_STEPS,
    useFactory: (...registered: PipelineStep[]) => new StepRegistry(registered),
  },
];

/** The pipeline: shared by the API (people's actions) and the scheduler (steps). */
@Module({
  imports: [StoresModule, FilesModule, ResultsStoreModule],
  providers: [...providers, ...steps],
  exports: providers,
})
export class PipelineModule {}
