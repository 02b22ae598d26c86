import { Injectable } from '@nestjs/common';
import { ApproveLyrics, ProjectContent, SelectClip } from '@app/domain';
import { ApproveLyricsDto, LyricsDto, ProjectDto, SelectClipDto } from '../projects/project.dto';
import { ClipView } from '../projects/clip-view';
import { ProjectView } from '../projects/project-view';
import { ChoicesDto } from './choices.dto';
import { defineTool, McpTool } from './mcp-tool';
import { projectId } from './project.tools';

/** The owner's two choices: the lyrics the song is made from, the clip the video is made with. */
@Injectable()
export class ChoiceTools {
  constructor(
    private readonly content: ProjectContent,
    private readonly approve: ApproveLyrics,
    private readonly select: SelectClip,
    private readonly clips: ClipView,
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
        output: ChoicesDto,
        run: async (by, { projectId }) => ({
          lyrics: (await this.content.lyricsVersions(by, projectId)).map(LyricsDto.from),
          clips: await this.clips.of(by, projectId),
        }),
      }),
      defineTool({
        name: 'choose_lyrics',
        title: 'Choose the lyrics',
        description:
          'Approves a lyrics version (LYRICS_READY): the song is made from it, which pays Suno (one request, two clips) unless the offline engine sings.',
        access: { scopes: ['projects:write'] },
        creates: false,
        readOnly: false,
        input: { projectId },
        body: ApproveLyricsDto,
        output: ProjectDto,
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
        input: { projectId },
        body: SelectClipDto,
        output: ProjectDto,
        run: async (by, { projectId, clipId }) =>
          this.view.of(await this.select.execute(by, projectId, clipId)),
      }),
    ];
  }
}
