import { Injectable } from '@nestjs/common';
import { ProjectListing, ProjectProgress } from '@app/domain';
import { ProjectDto } from './project.dto';

/** A project as the API answers it, on REST and MCP alike: the row with its progress. */
@Injectable()
export class ProjectView {
  constructor(private readonly progress: ProjectProgress) {}

  async of(p: ProjectListing): Promise<ProjectDto> {
    return ProjectDto.from(p, await this.progress.of(p));
  }

  /** Several rows (a page): their progress computed together, once per row. */
  async ofAll(rows: readonly ProjectListing[]): Promise<ProjectDto[]> {
    const progress = await this.progress.ofRows(rows);
    return rows.map((p, i) => ProjectDto.from(p, progress[i]));
  }
}
