import { Controller, Get, Query } from '@nestjs/common';
import { Principal, VideoResultsService } from '@app/domain';
// (the route's answers first, then where Swagger lists it)
import {
  ApiOkResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
  ApiBearerAuth,
  ApiSecurity,
} from '@nestjs/swagger';
import { CurrentPrincipal, Scopes } from '../auth/decorators';
import { ErrorBodyDto } from '../http/error-body.dto';
import { LagTolerant } from '../http/lag-tolerant';
import { ResultsPeriodQuery, VideoResultsDto } from './results.dto';
import { UuidParam } from '../http/uuid-param';

const MAKER_RESULTS =
  'The video’s results per publication: latest figures, 7-day change and the readings of the last `days` (read back hourly the first day, daily to 30 days, weekly after). For its owner, or the partner whose key made it (scope `projects:read`)';

/** A published video's results read back from YouTube and Instagram, for whoever made it. */
@ApiTags('sns')
@ApiBearerAuth('bearer')
@ApiSecurity('api-key')
@Controller('v1/projects/:id/results')
export class VideoResultsController {
  constructor(private readonly results: VideoResultsService) {}

  @ApiOperation({ summary: MAKER_RESULTS })
  @ApiOkResponse({ type: VideoResultsDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'no such project, or not yours' })
  @LagTolerant()
  @Scopes('projects:read')
  @Get()
  get(
    @UuidParam('id') projectId: string,
    @Query() period: ResultsPeriodQuery,
    @CurrentPrincipal() by: Principal,
  ): Promise<VideoResultsDto> {
    const days = period.days ?? 30;
    return this.results.forMaker(by, projectId, days).then((items) => ({ items }));
  }
}
