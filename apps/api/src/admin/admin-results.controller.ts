import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { VideoResultsService } from '@app/domain';
import { Roles } from '../auth/decorators';
import { LagTolerant } from '../http/lag-tolerant';
import { ResultsComparisonDto, ResultsPeriodQuery } from '../results/results.dto';

const COMPARISON =
  'Looks (templates), lengths and moods compared by median views and watch time per video, over the videos published in the last `days` (admins only)';

/** Which look, length and mood work: published videos compared by their results. */
@Roles('admin')
@ApiTags('admin')
@ApiBearerAuth('bearer')
@Controller('v1/admin/results')
export class AdminResultsController {
  constructor(private readonly results: VideoResultsService) {}

  @Get('comparison')
  @LagTolerant()
  @ApiOperation({ summary: COMPARISON })
  @ApiOkResponse({ type: ResultsComparisonDto })
  async comparison(@Query() period: ResultsPeriodQuery): Promise<ResultsComparisonDto> {
    const since = new Date(Date.now() - (period.days ?? 90) * 86_400_000);
    const { videos, groups } = await this.results.comparison(since);
    return { since, videos, groups };
  }
}
