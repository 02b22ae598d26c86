import { Injectable } from '@nestjs/common';
import {
  AI_NOTICE,
  ArchiveService,
  PublicationService,
  SnsUploadEntity,
  SocialService,
} from '@app/domain';
import { ArchivePageDto } from '../archive/archive.controller';
import { CursorQuery, decodeCursor, encodeCursor } from '../http/pagination';
import {
  CreateUploadDto,
  SocialAccountDto,
  SocialAccountListDto,
  UploadDto,
  UploadListDto,
} from '../social/social.dto';
import { defineTool, McpTool } from './mcp-tool';
import { projectId } from './project.tools';

const asPublications = (rows: SnsUploadEntity[]): UploadListDto => ({
  items: rows.map(UploadDto.from),
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
          'Your finished videos, newest first, with short-lived (15 minutes) MP4 and thumbnail links and each publication’s latest results (as GET /v1/archive). Costs nothing.',
        access: { scopes: ['projects:read'] },
        creates: false,
        readOnly: true,
        input: {},
        body: CursorQuery,
        output: ArchivePageDto,
        run: async (by, { limit, cursor }) => {
          const page = await this.archive.list(by, limit ?? 20, decodeCursor(cursor));
          return { items: page.items, nextCursor: page.last ? encodeCursor(page.last) : null };
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
        output: SocialAccountListDto,
        run: async (by) => ({
          platforms: this.social.platforms,
          items: (await this.social.list(by)).map(SocialAccountDto.from),
        }),
      }),
      defineTool({
        name: 'publish',
        title: 'Publish a finished video',
        description: `Publishes a finished video to YouTube and Instagram accounts (runs in the background: follow it with get_publications). ${WHO_PUBLISHES} Pays no provider, but uses the platforms' scarce upload quotas (YouTube about 100 uploads a day per project, Instagram 50 posts a day per account). YouTube uploads are marked containsSyntheticMedia; a caption left out is the default one, ending with "${AI_NOTICE}".`,
        access: { scopes: ['publish'] },
        creates: 'publication',
        readOnly: false,
        input: { projectId },
        body: CreateUploadDto,
        output: UploadListDto,
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
        output: UploadListDto,
        run: async (by, { projectId }) =>
          asPublications(await this.publications.list(by, projectId)),
      }),
    ];
  }
}
