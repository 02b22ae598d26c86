import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import {
  CancelProject,
  ListAllProjects,
  ProjectCost,
  ProjectEntity,
  ProjectProgress,
  RetryProject,
} from '@app/domain';
import { Roles } from '../auth/decorators';
import { decodeCursor, encodeCursor, PageDto } from '../http/pagination';
import { ProjectDto, ProjectListQuery } from '../projects/project.dto';
import { LagTolerant } from '../http/lag-tolerant';
import { UuidParam } from '../http/uuid-param';

class AdminProjectDto extends ProjectDto {
  @ApiProperty({ nullable: true, type: String }) ownerUserId: string | null;
  @ApiProperty({ nullable: true, type: String }) partnerId: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: "the provider's own error, when a provider failed",
  })
  lastProviderError: string | null;
}

class AdminProjectPageDto extends PageDto<AdminProjectDto> {
  @ApiProperty({ type: [AdminProjectDto] }) declare items: AdminProjectDto[];
}

class UsageLineDto {
  @ApiProperty() provider: string;
  @ApiProperty() operation: string;
  @ApiProperty() unit: string;
  @ApiProperty() units: number;
  @ApiProperty() costUsd: number;
  @ApiProperty() at: string;
}

class ProjectCostDto {
  @ApiProperty() projectId: string;
  @ApiProperty({ description: 'estimated, from the configured price table' }) totalUsd: number;
  @ApiProperty({ type: [UsageLineDto] }) lines: UsageLineDto[];
}

@ApiTags('admin')
@ApiBearerAuth('bearer')
@Roles('admin')
@Controller('v1/admin/projects')
export class AdminProjectsController {
  constructor(
    private readonly listAll: ListAllProjects,
    private readonly progress: ProjectProgress,
    private readonly projectCost: ProjectCost,
    private readonly retryProject: RetryProject,
    private readonly cancelProject: CancelProject,
  ) {}

  private async dto(p: ProjectEntity): Promise<AdminProjectDto> {
    return {
      ...ProjectDto.from(p, await this.progress.of(p)),
      ownerUserId: p.ownerUserId,
      partnerId: p.partnerId,
      lastProviderError: p.lastProviderError,
    };
  }

  @Get()
  @LagTolerant()
  @ApiOperation({
    summary: 'Projects of every user, newest first, by state (e.g. FAILED, with reasons)',
  })
  @ApiOkResponse({ type: AdminProjectPageDto })
  async list(@Query() q: ProjectListQuery): Promise<AdminProjectPageDto> {
    const limit = q.limit ?? 20;
    const rows = await this.listAll.execute({
      limit,
      states: q.state ? [q.state] : undefined,
      after: decodeCursor(q.cursor),
    });
    return {
      items: await Promise.all(rows.map((r) => this.dto(r))),
      nextCursor: rows.length === limit ? encodeCursor(rows[rows.length - 1]) : null,
    };
  }

  @Get(':id/cost')
  @LagTolerant()
  @ApiOperation({ summary: "A project's metered provider calls and estimated cost" })
  @ApiOkResponse({ type: ProjectCostDto })
  async cost(@UuidParam('id') id: string): Promise<ProjectCostDto> {
    const { totalUsd, lines } = await this.projectCost.execute(id);
    return {
      projectId: id,
      totalUsd,
      lines: lines.map((l) => ({ ...l, at: l.at.toISOString() })),
    };
  }

  @Post(':id/retry')
  @HttpCode(202)
  @ApiOperation({ summary: "Retry any user's FAILED project" })
  @ApiOkResponse({ type: AdminProjectDto })
  async retry(@UuidParam('id') id: string): Promise<AdminProjectDto> {
    return this.dto(await this.retryProject.execute('admin', id));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: "Cancel any user's project" })
  @ApiOkResponse({ type: AdminProjectDto })
  async cancel(@UuidParam('id') id: string): Promise<AdminProjectDto> {
    return this.dto(await this.cancelProject.execute('admin', id));
  }
}
