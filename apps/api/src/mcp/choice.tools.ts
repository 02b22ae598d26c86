import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { ApproveLyrics, MediaLinks, Principal, ProjectContent, SelectClip } from '@app/domain';
import { ProjectView } from '../projects/project-view';
import { defineTool, McpTool } from './mcp-tool';
import { project, projectId } from './project.tools';

/** The owner's two choices: the lyrics the song is made from, the clip the video is made with. */
@Injectable()
export class ChoiceTools {
  constructor(
    private readonly content: ProjectContent,
    private readonly approve: ApproveLyrics,
    private readonly select: SelectClip,
    private readonly links: MediaLinks,
    private readonly view: ProjectView,
  ) {}

  list(): McpTool[] {
    return [
      defineTool({
        name: 'get_choices',
        title: 'Get the lyrics and clips to choose from',
        description:
          'Every lyrics version and the song’s clips (with short-lived listening links), for choose_lyrics and choose_clip. Costs nothing.',
        access: { scopes: ['projects:read'] },
        creates: false,
        readOnly: true,
        input: { projectId },
        output: {
          lyrics: z.array(
            z.object({
              version: z.number(),
              title: z.string(),
              text: z.string(),
              approved: z.boolean(),
            }),
          ),
          clips: z.array(
            z.object({
              id: z.string(),
              durationSec: z.number(),
              selected: z.boolean(),
              listenUrl: z.string(),
            }),
          ),
        },
        run: async (by, { projectId }) => this.choices(by, projectId),
      }),
      defineTool({
        name: 'choose_lyrics',
        title: 'Choose the lyrics',
        description:
          'Approves a lyrics version (LYRICS_READY): the song is made from it, which pays Suno (one request, two clips) unless the offline engine sings.',
        access: { scopes: ['projects:write'] },
        creates: false,
        readOnly: false,
        input: {
          projectId,
          version: z.number().int().min(1).optional().describe('default: the latest'),
        },
        output: project,
        run: async (by, { projectId, version }) =>
          this.view.of(await this.approve.execute(by, projectId, version)),
      }),
      defineTool({
        name: 'choose_clip',
        title: 'Choose the clip',
        description:
          'Picks the clip the video is made with (SONG_READY): the render follows, which pays Creatomate unless the server renders with its own FFmpeg.',
        access: { scopes: ['projects:write'] },
        creates: false,
        readOnly: false,
        input: { projectId, clipId: z.string().uuid().describe('a clip id (get_choices)') },
        output: project,
        run: async (by, { projectId, clipId }) =>
          this.view.of(await this.select.execute(by, projectId, clipId)),
      }),
    ];
  }

  private async choices(by: Principal, projectId: string) {
    const lyrics = await this.content.lyricsVersions(by, projectId);
    const clips = await this.content.clips(by, projectId);
    for (const c of clips) this.links.accessed('audio', c.blobKey);
    return {
      lyrics: lyrics.map((l) => ({
        version: l.version,
        title: l.title,
        text: l.sections.map((s) => s.lines.join('\n')).join('\n\n'),
        approved: l.approvedAt !== null,
      })),
      clips: await Promise.all(
        clips.map(async (c) => ({
          id: c.id,
          durationSec: c.durationSec,
          selected: c.selected,
          listenUrl: await this.links.view('audio', c.blobKey),
        })),
      ),
    };
  }
}
