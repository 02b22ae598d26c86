import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { FIGURE_KEYS, ForbiddenError, VideoResultsService } from '@app/domain';
import { defineTool, iso, McpTool } from './mcp-tool';

type Item = Awaited<ReturnType<VideoResultsService['forOwner']>>[number];

/** a figure the platform may not give (null) */
const count = () => z.number().nullable();
const figures = z.object({
  ...Object.fromEntries(FIGURE_KEYS.map((k) => [k, count()])),
} as Record<(typeof FIGURE_KEYS)[number], ReturnType<typeof count>>);

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
          'A published video’s figures per publication as YouTube and Instagram count them (views, likes, comments; Instagram reach, saves, shares and average watch time): the latest, the 7-day change and the readings of the last `days`. `status: "not_yet"` with a `note` while the platform has none (Instagram lags up to 48 h and gives none for too few viewers). Read from our store: costs nothing and calls no platform (the scheduler reads them hourly the first day, daily to 30 days, weekly after). For signed-in users only, as on the REST route.',
        access: {},
        creates: false,
        readOnly: true,
        input: {
          projectId: z.string().uuid(),
          days: z.number().int().min(1).max(400).optional().describe('default 30'),
        },
        output: {
          items: z.array(
            z.object({
              publicationId: z.string().uuid(),
              platform: z.string(),
              postUrl: z.string().nullable(),
              status: z.enum(['figures', 'not_yet']),
              note: z.string().nullable(),
              latest: figures.nullable(),
              change7d: z
                .object({
                  views: z.number().nullable(),
                  likes: z.number().nullable(),
                  comments: z.number().nullable(),
                })
                .nullable(),
              readings: z.array(figures.extend({ readAt: z.string() })),
            }),
          ),
        },
        run: async (by, { projectId, days }) => {
          // (the access rule has refused partner keys already: this narrows the type)
          if (by.kind !== 'user') throw new ForbiddenError('results are for signed-in users');
          const items = await this.results.forOwner(by.userId, projectId, days ?? 30);
          // times as ISO strings; the publication's own dates stay on the REST route
          const asJson = ({ projectId: _p, publishedAt: _at, readAt: _r, ...i }: Item) => ({
            ...i,
            readings: i.readings.map((r) => ({ ...r, readAt: iso(r.readAt) })),
          });
          return { items: items.map(asJson) };
        },
      }),
    ];
  }
}
