import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { NotFoundError, PipelineService, ProjectRepository, UsageRepository } from '@app/domain';
import { Roles } from '../auth/decorators';
import { decodeCursor, encodeCursor, PageDto } from '../http/pagination';
import { ProjectDto, ProjectListQuery } from '../projects/project.dto';
import { LagTolerant } from '../http/lag-tolerant';

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
    private readonly projects: ProjectRepository,
    private readonly pipeline: PipelineService,
    private readonly usage: UsageRepository,
  ) {}

  private async dto(
    p: Awaited<ReturnType<ProjectRepository['findById']>>,
  ): Promise<AdminProjectDto> {
    if (!p) throw new NotFoundError('project not found');
    return {
      ...ProjectDto.from(p, await this.pipeline.progress(p)),
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
    const rows = await this.projects.listAll({
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
  async cost(@Param('id', new ParseUUIDPipe()) id: string): Promise<ProjectCostDto> {
    if (!(await this.projects.findById(id))) throw new NotFoundError('project not found');
    const lines = await this.usage.forProject(id);
    return {
      projectId: id,
      totalUsd: lines.reduce((a, l) => a + l.costUsd, 0),
      lines: lines.map((l) => ({
        provider: l.provider,
        operation: l.operation,
        unit: l.unit,
        units: l.units,
        costUsd: l.costUsd,
        at: l.createdAt.toISOString(),
      })),
    };
  }

  @Post(':id/retry')
  @HttpCode(202)
  @ApiOperation({ summary: "Retry any user's FAILED project" })
  @ApiOkResponse({ type: AdminProjectDto })
  async retry(@Param('id', new ParseUUIDPipe()) id: string): Promise<AdminProjectDto> {
    return this.dto(await this.pipeline.retry('admin', id));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: "Cancel any user's project" })
  @ApiOkResponse({ type: AdminProjectDto })
  async cancel(@Param('id', new ParseUUIDPipe()) id: string): Promise<AdminProjectDto> {
    return this.dto(await this.pipeline.cancel('admin', id));
  }
}
