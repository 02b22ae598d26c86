import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { VideoResultsService } from '@app/domain';
// (the route's answers first, then where Swagger lists it)
import {
  ApiOkResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
  ApiBearerAuth,
} from '@nestjs/swagger';
import { CurrentUserId } from '../auth/decorators';
import { ErrorBodyDto } from '../http/error-body.dto';
import { LagTolerant } from '../http/lag-tolerant';
import { ResultsPeriodQuery, VideoResultsDto } from './results.dto';

const OWNER_RESULTS =
  'The video’s results per publication: latest figures, 7-day change and the readings of the last `days` (read back hourly the first day, daily to 30 days, weekly after)';

/** A published video's results read back from YouTube and Instagram, for its owner. */
@ApiTags('sns')
@ApiBearerAuth('bearer')
@Controller('v1/projects/:id/results')
export class VideoResultsController {
  constructor(private readonly results: VideoResultsService) {}

  @ApiOperation({ summary: OWNER_RESULTS })
  @ApiOkResponse({ type: VideoResultsDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'no such project, or not yours' })
  @LagTolerant()
  @Get()
  get(
    @Param('id', new ParseUUIDPipe()) projectId: string,
    @Query() period: ResultsPeriodQuery,
    @CurrentUserId() ownerId: string,
  ): Promise<VideoResultsDto> {
    const days = period.days ?? 30;
    return this.results.forOwner(ownerId, projectId, days).then((items) => ({ items }));
  }
}
