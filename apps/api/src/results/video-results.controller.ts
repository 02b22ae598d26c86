import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { VideoResultsService } from '@app/domain';
import { CurrentUserId, Roles } from '../auth/decorators';
import { ErrorBodyDto } from '../http/error-body.dto';
import { LagTolerant } from '../http/lag-tolerant';
import { ResultsComparisonDto, ResultsPeriodQuery, VideoResultsDto } from './results.dto';

/** A published video's results read back from YouTube and Instagram, for its owner. */
@ApiTags('sns')
@ApiBearerAuth('bearer')
@Controller('v1/projects/:id/results')
export class VideoResultsController {
  constructor(private readonly results: VideoResultsService) {}

  @Get()
  @LagTolerant()
  @ApiOperation({
    summary:
      'The video’s results per publication: latest figures, 7-day change and the readings of the last `days` (read back hourly the first day, daily to 30 days, weekly after)',
  })
  @ApiOkResponse({ type: VideoResultsDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'no such project, or not yours' })
  async get(
    @CurrentUserId() userId: string,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() q: ResultsPeriodQuery,
  ): Promise<VideoResultsDto> {
    return { items: await this.results.forOwner(userId, id, q.days ?? 30) };
  }
}

/** Which look, length and mood work: published videos compared by their results. */
@ApiTags('admin')
@ApiBearerAuth('bearer')
@Roles('admin')
@Controller('v1/admin/results')
export class AdminResultsController {
  constructor(private readonly results: VideoResultsService) {}

  @Get('comparison')
  @LagTolerant()
  @ApiOperation({
    summary:
      'Looks (templates), lengths and moods compared by median views and watch time per video, over the videos published in the last `days` (admins only)',
  })
  @ApiOkResponse({ type: ResultsComparisonDto })
  async comparison(@Query() q: ResultsPeriodQuery): Promise<ResultsComparisonDto> {
    const since = new Date(Date.now() - (q.days ?? 90) * 86_400_000);
    return { since, ...(await this.results.comparison(since)) };
  }
}
