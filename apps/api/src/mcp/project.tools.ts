import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import {
  CreateProject,
  GetProject,
  PROJECT_GENRES,
  PROJECT_KEYWORDS,
  PROJECT_LENGTH_SEC,
  PROJECT_MOODS,
  PROJECT_STATES,
} from '@app/domain';
import { ProjectView } from '../projects/project-view';
import { defineTool, McpTool } from './mcp-tool';

export const projectId = z.string().uuid().describe('a project id (create_project)');

/** A project as every project tool answers it: the REST route's ProjectDto. */
export const project = {
  id: z.string().uuid(),
  storeId: z.string().uuid(),
  state: z
    .string()
    .describe(`one of ${PROJECT_STATES.join(', ')}; a finished project rendered again stays DONE`),
  subState: z
    .enum(['rendering', 're-rendering'])
    .nullable()
    .describe(
      'rendering: the video is being made; re-rendering: a DONE project renders a new video, its current one stays until then',
    ),
  step: z.string().nullable(),
  autopilot: z.boolean(),
  options: z.object({
    mood: z.string().optional(),
    genre: z.string().optional(),
    lengthSec: z.number().optional(),
    keywords: z.array(z.string()).optional(),
  }),
  progress: z.object({
    percent: z.number(),
    etaSec: z.number().nullable().describe('seconds to DONE; null once FAILED or CANCELLED'),
    waitingFor: z
      .enum(['owner', 'scheduler', 'budget'])
      .nullable()
      .describe('owner: choose_lyrics (LYRICS_READY) or choose_clip (SONG_READY) is awaited'),
  }),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
};

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
        input: {
          storeId: z.string().uuid().describe('one of your stores (create_store)'),
          mood: z.enum(PROJECT_MOODS).optional().describe('default bright'),
          genre: z.enum(PROJECT_GENRES).optional().describe('default pop'),
          lengthSec: z
            .number()
            .int()
            .min(PROJECT_LENGTH_SEC.min)
            .max(PROJECT_LENGTH_SEC.max)
            .optional()
            .describe(`jingle and video length, seconds (default ${PROJECT_LENGTH_SEC.default})`),
          keywords: z
            .array(z.string().max(PROJECT_KEYWORDS.maxLength))
            .max(PROJECT_KEYWORDS.max)
            .optional()
            .describe('words the lyrics should carry'),
          autopilot: z.boolean().optional().describe('run straight through (default false)'),
        },
        output: project,
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
        output: project,
        run: async (by, { projectId }) => this.view.of(await this.get.execute(by, projectId)),
      }),
    ];
  }
}
