import { Controller, Delete, Get, HttpCode, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { ArchiveService, DeleteProject, Principal } from '@app/domain';
import { CurrentPrincipal, Scopes } from '../auth/decorators';
import { ErrorBodyDto } from '../http/error-body.dto';
import { PublicationResultsDto } from '../results/results.dto';
import { CursorQuery, decodeCursor, encodeCursor, PageDto } from '../http/pagination';
import { LagTolerant } from '../http/lag-tolerant';
import { UuidParam } from '../http/uuid-param';

export class ArchiveItemDto {
  @ApiProperty({ format: 'uuid' }) projectId: string;
  @ApiProperty({ format: 'uuid' }) storeId: string;
  @ApiProperty({ nullable: true, type: String, example: '해운대 할매국밥' }) storeName:
    string | null;
  @ApiProperty({ nullable: true, type: String, example: '할매국밥의 노래' }) title: string | null;
  @ApiProperty({ example: 30.5 }) durationSec: number;
  @ApiProperty({ example: 1080 }) width: number;
  @ApiProperty({ example: 1920 }) height: number;
  @ApiProperty({ example: 'ffmpeg' }) engine: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'short-lived thumbnail URL (15 minutes)',
  })
  thumbnailUrl: string | null;
  @ApiProperty({ description: 'short-lived MP4 download URL (15 minutes)' }) videoUrl: string;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ format: 'date-time' }) finishedAt: Date;
  @ApiProperty({
    type: [PublicationResultsDto],
    description:
      'each publication’s latest figures and 7-day change, read back from YouTube and Instagram (empty: not published)',
  })
  results: PublicationResultsDto[];
}

export class ArchivePageDto extends PageDto<ArchiveItemDto> {
  @ApiProperty({ type: [ArchiveItemDto] }) declare items: ArchiveItemDto[];
}

/** Archive: the owner's finished creations. */
@ApiTags('archive')
@ApiBearerAuth('bearer')
@ApiSecurity('api-key')
@Controller('v1/archive')
export class ArchiveController {
  constructor(
    private readonly archive: ArchiveService,
    private readonly deleteProject: DeleteProject,
  ) {}

  @Get()
  @LagTolerant()
  @Scopes('projects:read')
  @ApiOperation({
    summary:
      'My finished creations, newest first, with thumbnails, durations and download URLs (cursor pagination)',
  })
  @ApiOkResponse({ type: ArchivePageDto })
  async list(@CurrentPrincipal() by: Principal, @Query() q: CursorQuery): Promise<ArchivePageDto> {
    const { items, last } = await this.archive.list(by, q.limit ?? 20, decodeCursor(q.cursor));
    return { items, nextCursor: last ? encodeCursor(last) : null };
  }

  @Delete(':projectId')
  @HttpCode(204)
  @Scopes('projects:write')
  @ApiOperation({
    summary: 'Delete a creation: the project, its lyrics, songs and video, and their files',
  })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'no such project, or not yours' })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'the project is still running' })
  async remove(
    @CurrentPrincipal() by: Principal,
    @UuidParam('projectId') id: string,
  ): Promise<void> {
    await this.deleteProject.execute(by, id);
  }
}
