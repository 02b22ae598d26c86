import { Injectable } from '@nestjs/common';
import { Principal } from '../../accounts/principal';
import { AppConfig } from '../../config/app-config';
import { ProjectEntity, ProjectOptions } from '../../entities/project.entity';
import { NotFoundError, QuotaExceededError } from '../../errors/domain-errors';
import { ownerOf } from '../../stores/owner';
import { withDefaults } from '../project-options';
import { DailyQuotaRepository } from '../daily-quota.repository';
import { quotaWindow } from '../quota-window';

export interface CreateProjectInput {
  storeId: string;
  autopilot?: boolean;
  /** what the owner chose; the rest gets the defaults of project-options */
  options: ProjectOptions;
}

/** Starts a project for one of the caller's stores, within the daily quota. */
@Injectable()
export class CreateProject {
  constructor(
    private readonly config: AppConfig,
    private readonly quota: DailyQuotaRepository,
  ) {}

  async execute(by: Principal, input: CreateProjectInput): Promise<ProjectEntity> {
    const limit = this.config.pipeline.projectsPerDay;
    const { day, resetsAt } = quotaWindow(new Date());
    const made = await this.quota.createWithinQuota(
      {
        owner: ownerOf(by),
        storeId: input.storeId,
        autopilot: input.autopilot ?? false,
        options: withDefaults(input.options),
      },
      { day, limit },
    );
    // a store that is not the caller's is 404 whatever the quota
    if (made.kind === 'no_store') throw new NotFoundError(`store ${input.storeId} not found`);
    if (made.kind === 'over_quota')
      throw new QuotaExceededError(
        `daily limit of ${limit} new projects reached; it resets at ${resetsAt.toISOString()}`,
        resetsAt,
      );
    return made.project;
  }
}
