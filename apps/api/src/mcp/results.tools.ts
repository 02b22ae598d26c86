import { Injectable } from '@nestjs/common';
import { VideoResultsService } from '@app/domain';
import { ResultsPeriodQuery, VideoResultsDto } from '../results/results.dto';
import { defineTool, McpTool } from './mcp-tool';
import { projectId } from './project.tools';

/** A published video's results read back (the GET /v1/projects/:id/results route). */
@Injectable()
export class ResultsTools {
  constructor(private readonly results: VideoResultsService) {}

  list(): McpTool[] {
    return [
      defineTool({
        name: 'read_video_results',
        title: 'Read a video’s results',
        description:
          'A published video’s figures per publication as YouTube and Instagram count them (views, likes, comments; Instagram reach, saves, shares and average watch time): the latest, the 7-day change and the readings of the last `days`. `status: "not_yet"` with a `note` while the platform has none (Instagram lags up to 48 h and gives none for too few viewers). Read from our store: costs nothing and calls no platform (the scheduler reads them hourly the first day, daily to 30 days, weekly after). For the video’s owner or the partner whose key made it (scope `projects:read`), as on the REST route.',
        access: { scopes: ['projects:read'] },
        creates: false,
        readOnly: true,
        input: { projectId },
        body: ResultsPeriodQuery,
        output: VideoResultsDto,
        run: async (by, { projectId, days }) => ({
          items: await this.results.forMaker(by, projectId, days ?? 30),
        }),
      }),
    ];
  }
}
