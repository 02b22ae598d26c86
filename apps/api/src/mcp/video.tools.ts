import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import {
  AI_NOTICE,
  ArchiveService,
  PublicationService,
  SnsUploadEntity,
  SocialService,
} from '@app/domain';
import { decodeCursor, encodeCursor } from '../http/pagination';
import { UploadDto } from '../social/social.dto';
import { defineTool, iso, McpTool } from './mcp-tool';
import { projectId } from './project.tools';

/** A publication as the uploads routes answer it (UploadDto). */
const publications = {
  items: z.array(
    z.object({
      id: z.string().uuid(),
      accountId: z.string().uuid(),
      platform: z.string(),
      state: z
        .string()
        .describe(
          'queued, processing, published, failed or parked (parked: waits for its account to be connected again, then goes on by itself)',
        ),
      title: z.string(),
      privacy: z.string(),
      postUrl: z.string().nullable(),
      error: z.string().nullable().describe('why it failed, or the last temporary problem'),
      attempts: z.number(),
      createdAt: z.string(),
    }),
  ),
};

const asPublications = (rows: SnsUploadEntity[]) => ({
  items: rows.map((u) => ({ ...UploadDto.from(u), createdAt: iso(u.createdAt) })),
});

const WHO_PUBLISHES =
  'A signed-in owner publishes to their connected accounts; a partner key (scope publish) publishes its own videos to the accounts whose owners let its partner publish there (list_accounts).';

/**
 * Finished videos: list them with their links, the accounts to publish to, publish one and
 * follow it (archive, social and uploads routes).
 */
@Injectable()
export class VideoTools {
  constructor(
    private readonly archive: ArchiveService,
    private readonly publications: PublicationService,
    private readonly social: SocialService,
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
        name: 'list_accounts',
        title: 'List the accounts to publish to',
        description: `The YouTube and Instagram accounts publish can send to, and the platforms this server publishes to. ${WHO_PUBLISHES} Costs nothing.`,
        access: { scopes: ['publish'] },
        creates: false,
        readOnly: true,
        input: {},
        output: {
          platforms: z.array(z.string()),
          items: z.array(
            z.object({
              id: z.string().uuid(),
              platform: z.string(),
              externalId: z.string().describe('channel id (YouTube) or account id (Instagram)'),
              displayName: z.string().nullable(),
              needsReconnect: z
                .object({ since: z.string(), reason: z.string() })
                .nullable()
                .describe('the owner must connect it again; publications to it wait'),
            }),
          ),
        },
        run: async (by) => ({
          platforms: this.social.platforms,
          items: (await this.social.list(by)).map((a) => ({
            id: a.id,
            platform: a.platform,
            externalId: a.externalId,
            displayName: a.displayName,
            needsReconnect: a.needsReconnect
              ? { since: iso(a.needsReconnect.since), reason: a.needsReconnect.reason }
              : null,
          })),
        }),
      }),
      defineTool({
        name: 'publish',
        title: 'Publish a finished video',
        description: `Publishes a finished video to YouTube and Instagram accounts (runs in the background: follow it with get_publications). ${WHO_PUBLISHES} Pays no provider, but uses the platforms' scarce upload quotas (YouTube about 100 uploads a day per project, Instagram 50 posts a day per account). YouTube uploads are marked containsSyntheticMedia; a caption left out is the default one, ending with "${AI_NOTICE}".`,
        access: { scopes: ['publish'] },
        creates: 'publication',
        readOnly: false,
        input: {
          projectId,
          accounts: z
            .array(z.string().uuid())
            .min(1)
            .max(10)
            .describe('account ids (list_accounts)'),
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
        output: publications,
        run: async (by, { projectId, ...req }) =>
          asPublications(await this.publications.request(by, projectId, req)),
      }),
      defineTool({
        name: 'get_publications',
        title: 'Follow a video’s publications',
        description:
          'Where each publication of a project stands (queued, processing, published with its post URL, failed with why, parked). Costs nothing and calls no platform.',
        access: { scopes: ['publish'] },
        creates: false,
        readOnly: true,
        input: { projectId },
        output: publications,
        run: async (by, { projectId }) =>
          asPublications(await this.publications.list(by, projectId)),
      }),
    ];
  }
}
