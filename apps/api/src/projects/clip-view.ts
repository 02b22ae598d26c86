import { Injectable } from '@nestjs/common';
import { MediaLinks, Principal, ProjectContent } from '@app/domain';
import { ClipDto } from './project.dto';

/** A project's clips as the API answers them, on REST and MCP alike: with fresh links. */
@Injectable()
export class ClipView {
  constructor(
    private readonly content: ProjectContent,
    private readonly links: MediaLinks,
  ) {}

  async of(by: Principal, projectId: string): Promise<ClipDto[]> {
    const clips = await this.content.clips(by, projectId);
    for (const c of clips) this.links.accessed('audio', c.blobKey);
    return Promise.all(
      clips.map(async (c, i) =>
        ClipDto.from(
          c,
          await this.links.view('audio', c.blobKey),
          await this.links.download(
            'audio',
            c.blobKey,
            this.links.clipName(projectId, i + 1, c.blobKey),
          ),
        ),
      ),
    );
  }
}
