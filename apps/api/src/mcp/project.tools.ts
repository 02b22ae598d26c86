import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { CreateProject, GetProject } from '@app/domain';
import { CreateProjectDto, ProjectDto } from '../projects/project.dto';
import { ProjectView } from '../projects/project-view';
import { defineTool, McpTool } from './mcp-tool';

export const projectId = z.string().uuid().describe('a project id (create_project)');

const PAID_PIPELINE =
  'pays providers: OpenAI for the lyrics, Suno for the song (one request, two clips) and Creatomate for the render unless the server renders with its own FFmpeg (no provider); offline engines pay nothing';

/**
 * A project's life: create it with its options, follow it, and the owner's two choices (the
 * REST routes of /v1/projects, calling the same use cases).
 */
@Injectable()
export class ProjectTools {
  constructor(
    private readonly create: CreateProject,
    private readonly get: GetProject,
    private readonly view: ProjectView,
  ) {}

  list(): McpTool[] {
    return [
      defineTool({
        name: 'create_project',
        title: 'Create a project',
        description: `Starts a jingle and a vertical video for one of your stores; lyrics, song and video follow in the background (follow with get_progress). Counts against the daily project limit and ${PAID_PIPELINE}. With autopilot it runs to the video without waiting for choose_lyrics and choose_clip.`,
        access: { scopes: ['projects:write'] },
        creates: 'project',
        readOnly: false,
        input: {},
        body: CreateProjectDto,
        output: ProjectDto,
        run: async (by, { storeId, autopilot, ...options }) =>
          this.view.of(await this.create.execute(by, { storeId, autopilot, options })),
      }),
      defineTool({
        name: 'get_progress',
        title: 'Get a project’s progress',
        description:
          'Where a project stands: state, step, percent, ETA, what it waits for, and why it failed. Costs nothing.',
        access: { scopes: ['projects:read'] },
        creates: false,
        readOnly: true,
        input: { projectId },
        output: ProjectDto,
        run: async (by, { projectId }) => this.view.of(await this.get.execute(by, projectId)),
      }),
    ];
  }
}
