import { Injectable } from '@nestjs/common';
import { ProjectState, TERMINAL_STATES } from '../project-state';
import { ProjectRepository } from '../project.repository';
import { RetryProject } from './retry-project.use-case';

export interface RequeueItem {
  id: string;
  state: ProjectState;
  action: 'retry' | 'wake' | 'skip';
}

/**
 * Ops: put projects back in the scheduler's hands. FAILED ones resume from their failed
 * step (as a retry); live ones lose any stale lease and are due now; finished ones are left.
 */
@Injectable()
export class RequeueProjects {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly retry: RetryProject,
  ) {}

  async execute(
    filter: { ids?: string[]; state?: string; since?: Date },
    dryRun: boolean,
  ): Promise<RequeueItem[]> {
    const rows = await this.projects.matching(filter);
    const plan = rows.map((p): RequeueItem => ({
      id: p.id,
      state: p.state,
      action: p.state === 'FAILED' ? 'retry' : TERMINAL_STATES.includes(p.state) ? 'skip' : 'wake',
    }));
    if (dryRun) return plan;
    for (const item of plan) {
      if (item.action === 'retry') await this.retry.execute('admin', item.id);
      if (item.action === 'wake')
        await this.projects.updateIfState(item.id, item.state, {
          nextRunAt: new Date(),
          leaseOwner: null,
          leaseUntil: null,
        });
    }
    return plan;
  }
}
