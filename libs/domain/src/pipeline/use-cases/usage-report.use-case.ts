import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../../errors/domain-errors';
import { ProjectRepository } from '../project.repository';
import { ProviderTotal, totalsByProvider } from '../usage-totals';
import { CostRow, UsageRepository } from '../usage.repository';

export interface UsageReportResult {
  days: CostRow[];
  totals: ProviderTotal[];
  totalUsd: number;
}

/**
 * Ops: metered provider calls per provider and day between two moments, with totals. `always`
 * names providers that get a total even when unused (zero).
 */
@Injectable()
export class UsageReport {
  constructor(private readonly usage: UsageRepository) {}

  async execute(from: Date, to: Date, always: string[] = []): Promise<UsageReportResult> {
    const days = await this.usage.costByDay(from, to);
    return { days, ...totalsByProvider(days, always) };
  }
}

export interface ProjectCostLine {
  provider: string;
  operation: string;
  unit: string;
  units: number;
  costUsd: number;
  at: Date;
}

/** Ops: one project's metered provider calls and their estimated cost. */
@Injectable()
export class ProjectCost {
  constructor(
    private readonly projects: ProjectRepository,
    private readonly usage: UsageRepository,
  ) {}

  async execute(id: string): Promise<{ totalUsd: number; lines: ProjectCostLine[] }> {
    if (!(await this.projects.findById(id))) throw new NotFoundError('project not found');
    const rows = await this.usage.forProject(id);
    return {
      totalUsd: rows.reduce((a, l) => a + l.costUsd, 0),
      lines: rows.map((l) => ({
        provider: l.provider,
        operation: l.operation,
        unit: l.unit,
        units: l.units,
        costUsd: l.costUsd,
        at: l.createdAt,
      })),
    };
  }
}
