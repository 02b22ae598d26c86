import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { AI_NOTICE, ArchiveService, ForbiddenError, PublicationService } from '@app/domain';
import { decodeCursor, encodeCursor } from '../http/pagination';
import { defineTool, iso, McpTool } from './mcp-tool';

/** Finished videos: list them with their links, publish one (archive and uploads routes). */
@Injectable()
export class VideoTools {
  constructor(
    private readonly archive: ArchiveService,
    private readonly publications: PublicationService,
  ) {}

  list(): McpTool[] {
    return [
      defineTool({
        name: 'list_videos',
        title: 'List finished videos',
        description:
          'Your finished videos, newest first, with short-lived (15 minutes) MP4 and thumbnail links. Costs nothing.',
        access: { scopes: ['projects:read'] },
        creates: false,
        readOnly: true,
        input: {
          limit: z.number().int().min(1).max(100).optional().describe('default 20'),
          cursor: z.string().optional().describe('nextCursor of the previous page'),
        },
        output: {
          items: z.array(
            z.object({
              projectId: z.string().uuid(),
              storeId: z.string().uuid(),
              storeName: z.string().nullable(),
              title: z.string().nullable(),
              durationSec: z.number(),
              width: z.number(),
              height: z.number(),
              engine: z.string(),
              videoUrl: z.string(),
              thumbnailUrl: z.string().nullable(),
              finishedAt: z.string(),
            }),
          ),
          nextCursor: z.string().nullable(),
        },
        run: async (by, { limit, cursor }) => {
          const page = await this.archive.list(by, limit ?? 20, decodeCursor(cursor));
          return {
            // results have a tool of their own
            items: page.items.map(({ createdAt: _created, results: _results, ...v }) => ({
              ...v,
              finishedAt: iso(v.finishedAt),
            })),
            nextCursor: page.last ? encodeCursor(page.last) : null,
          };
        },
      }),
      defineTool({
        name: 'publish',
        title: 'Publish a finished video',
        description: `Publishes a finished video to the signed-in owner's connected YouTube and Instagram accounts (runs in the background). Pays no provider, but uses the platforms' scarce upload quotas (YouTube about 100 uploads a day per project, Instagram 50 posts a day per account). YouTube uploads are marked containsSyntheticMedia; a caption left out is the default one, ending with "${AI_NOTICE}". For signed-in users only: a partner key is refused, as on the REST route.`,
        access: {},
        creates: 'publication',
        readOnly: false,
        input: {
          projectId: z.string().uuid(),
          accounts: z
            .array(z.string().uuid())
            .min(1)
            .max(10)
            .describe('connected account ids (GET /v1/social/accounts)'),
          title: z
            .string()
            .min(1)
            .max(100)
            .regex(/^[^<>]*$/, 'no < or >'),
          description: z
            .string()
            .max(4000)
            .optional()
            .describe(
              'the caption, published exactly as sent; left out: the default caption with the AI notice',
            ),
          tags: z.array(z.string().max(30)).max(20).optional(),
          privacy: z.enum(['private', 'unlisted', 'public']),
        },
        output: {
          items: z.array(
            z.object({
              id: z.string().uuid(),
              accountId: z.string().uuid(),
              platform: z.string(),
              state: z.string(),
            }),
          ),
        },
        run: async (by, { projectId, ...req }) => {
          // (the access rule has refused partner keys already: this narrows the type)
          if (by.kind !== 'user') throw new ForbiddenError('publishing is for signed-in users');
          const rows = await this.publications.request(by.userId, projectId, req);
          return {
            items: rows.map((u) => ({
              id: u.id,
              accountId: u.socialAccountId,
              platform: u.platform,
              state: u.state,
            })),
          };
        },
      }),
    ];
  }
}
