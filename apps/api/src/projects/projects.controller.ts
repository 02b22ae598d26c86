import { Idempotent, IdempotencyKey, Once } from '../http/idempotency';
import { ClipView } from './clip-view';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Post,
  Put,
  Query,
  Req,
  Sse,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { RouteSchema } from '@nestjs/platform-fastify';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiSecurity,
  ApiTags,
  ApiTooManyRequestsResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { Observable } from 'rxjs';
import {
  ApproveLyrics,
  CancelProject,
  CreateProject,
  DeleteProject,
  EditLyrics,
  GetProject,
  InvalidInputError,
  isFinalState,
  ListProjects,
  MakeSong,
  MakeVideo,
  MediaLinks,
  Principal,
  ProjectContent,
  ProjectEntity,
  RegenerateLyrics,
  RetryProject,
  SelectClip,
} from '@app/domain';
import { AccessRecheck } from '../auth/access-recheck';
import { CurrentPrincipal, Scopes } from '../auth/decorators';
import { ErrorBodyDto } from '../http/error-body.dto';
import { decodeCursor, encodeCursor } from '../http/pagination';
import { ProjectEventsStream, SseMessage } from './project-events.stream';
import { ProjectView } from './project-view';
import {
  ApproveLyricsDto,
  ClipDto,
  CreateProjectDto,
  EditLyricsDto,
  LyricsDto,
  MakeSongDto,
  MakeVideoDto,
  ProjectDto,
  PROJECT_PAGE_RESPONSE,
  PROJECT_CREATED_RESPONSE,
  PROJECT_RESPONSE,
  ProjectListQuery,
  ProjectPageDto,
  RegenerateLyricsDto,
  SelectClipDto,
  VideoDto,
} from './project.dto';
import { LagTolerant } from '../http/lag-tolerant';
import { UuidParam } from '../http/uuid-param';

const Id = () => UuidParam('id');

@ApiTags('projects')
@ApiBearerAuth('bearer')
@ApiSecurity('api-key')
@Controller('v1/projects')
export class ProjectsController {
  constructor(
    private readonly view: ProjectView,
    private readonly createProject: CreateProject,
    private readonly listProjects: ListProjects,
    private readonly getProject: GetProject,
    private readonly retryProject: RetryProject,
    private readonly cancelProject: CancelProject,
    private readonly deleteProject: DeleteProject,
    private readonly regenerateLyrics: RegenerateLyrics,
    private readonly editLyrics: EditLyrics,
    private readonly approveLyrics: ApproveLyrics,
    private readonly makeSongOf: MakeSong,
    private readonly content: ProjectContent,
    private readonly selectClip: SelectClip,
    private readonly makeVideoOf: MakeVideo,
    private readonly events: ProjectEventsStream,
    private readonly access: AccessRecheck,
    private readonly links: MediaLinks,
    private readonly clipView: ClipView,
  ) {}

  private dto(p: ProjectEntity): Promise<ProjectDto> {
    return this.view.of(p);
  }

  @Post()
  @Idempotent('project')
  @HttpCode(202)
  @RouteSchema({ response: PROJECT_CREATED_RESPONSE })
  @Scopes('projects:write')
  @ApiOperation({
    summary:
      'Start a project for one of your stores: lyrics, song and video follow in the background',
  })
  @ApiAcceptedResponse({ type: ProjectDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'no such store, or not yours' })
  @ApiTooManyRequestsResponse({
    type: ErrorBodyDto,
    description: 'daily project limit reached (Retry-After tells when it resets)',
  })
  async create(
    @CurrentPrincipal() by: Principal,
    @Body() b: CreateProjectDto,
    @IdempotencyKey() once: Once,
  ): Promise<ProjectDto> {
    return once(async () => {
      const p = await this.createProject.execute(by, {
        storeId: b.storeId,
        autopilot: b.autopilot,
        options: { mood: b.mood, genre: b.genre, lengthSec: b.lengthSec, keywords: b.keywords },
      });
      return this.dto(p);
    });
  }

  @Get()
  @LagTolerant()
  @RouteSchema({ response: PROJECT_PAGE_RESPONSE })
  @Scopes('projects:read')
  @ApiOperation({ summary: 'My projects, newest first (cursor pagination, optional state filter)' })
  @ApiOkResponse({ type: ProjectPageDto })
  async list(
    @CurrentPrincipal() by: Principal,
    @Query() q: ProjectListQuery,
  ): Promise<ProjectPageDto> {
    const limit = q.limit ?? 20;
    const rows = await this.listProjects.execute(by, {
      limit,
      states: q.state ? [q.state] : undefined,
      after: decodeCursor(q.cursor),
    });
    return {
      items: await this.view.ofAll(rows),
      nextCursor: rows.length === limit ? encodeCursor(rows[rows.length - 1]) : null,
    };
  }

  @Get(':id')
  @LagTolerant()
  @RouteSchema({ response: PROJECT_RESPONSE })
  @Scopes('projects:read')
  @ApiOperation({ summary: 'One project: state, step, percent and ETA' })
  @ApiOkResponse({ type: ProjectDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'no such project, or not yours' })
  async get(@CurrentPrincipal() by: Principal, @Id() id: string): Promise<ProjectDto> {
    return this.dto(await this.getProject.execute(by, id));
  }

  @Sse(':id/events')
  @Scopes('projects:read')
  @ApiOperation({
    summary:
      'Follow a project live (server-sent events): one "state" event per change, from any API instance, and "progress" events ({state, step, percent, message}) while a long step such as a render runs (the render’s own percent, spread over the bar from the clip choice to 99); within a run the percent never goes back: an event that takes it back says why in progressReset ("restarted": the step runs again after a restart or a failed attempt; "retried": the owner’s retry; "re-render": a new video of a finished project; "remade": new lyrics or a new song); a heartbeat comment every SSE_HEARTBEAT_MS while idle; the stream ends after DONE, FAILED or CANCELLED, and within one heartbeat once the login or key that opened it is ended (logout, block, key revoked). At most SSE_STREAMS_PER_USER streams per user or partner key are open at once (429 beyond)',
  })
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description:
      'The id of the last event received (EventSource sends it when it reconnects): only later events are sent',
  })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description:
      'An event stream: `event: state` with `id` (the event number) and JSON `data` {state, from, step, message, at}, plus {waitingFor: "owner", action: "approve_lyrics" | "select_clip"} when the project now waits for its owner; `event: progress` with {state, step, percent, message, at}; both carry the project\'s subState as GET shows it ("rendering", "re-rendering") when it has one, and progressReset when the percent goes back; `: heartbeat` comments while idle',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiBadRequestResponse({
    description: 'Last-Event-ID is not an event id',
    // the route produces text/event-stream; its errors are JSON like every other
    content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorBodyDto) } } },
  })
  async follow(
    @CurrentPrincipal() by: Principal,
    @Id() id: string,
    // read from the request, not @Headers(): that would add a second, required header to the
    // document beside the optional Last-Event-ID above
    @Req() req: FastifyRequest,
  ): Promise<Observable<SseMessage>> {
    const lastEventId = [req.headers['last-event-id']].flat()[0];
    const after = lastEventId === undefined || lastEventId === '' ? 0 : Number(lastEventId);
    if (!Number.isSafeInteger(after) || after < 0)
      throw new InvalidInputError('Last-Event-ID must be the id of an event of this stream');
    const project = await this.getProject.execute(by, id);
    const live = { finished: isFinalState(project.state), rerendering: project.rerendering };
    return this.events.follow(id, after, live, {
      id: by.kind === 'user' ? `user:${by.userId}` : `partner:${by.keyId}`,
      stillHolds: () => this.access.stillHolds(req),
    });
  }

  @Post(':id/retry')
  @HttpCode(202)
  @Scopes('projects:write')
  @ApiOperation({ summary: 'Resume a FAILED project from the step that failed' })
  @ApiAcceptedResponse({ type: ProjectDto })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'the project is not FAILED' })
  async retry(@CurrentPrincipal() by: Principal, @Id() id: string): Promise<ProjectDto> {
    return this.dto(await this.retryProject.execute(by, id));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Scopes('projects:write')
  @ApiOperation({
    summary:
      'Stop a project (a provider task in flight is abandoned, never paid again); a re-render of a finished project, running or failed, stops back to DONE with the video it had',
  })
  @ApiOkResponse({ type: ProjectDto })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'already DONE or CANCELLED' })
  async cancel(@CurrentPrincipal() by: Principal, @Id() id: string): Promise<ProjectDto> {
    return this.dto(await this.cancelProject.execute(by, id));
  }

  @Delete(':id')
  @HttpCode(204)
  @Scopes('projects:write')
  @ApiOperation({ summary: 'Delete a finished, failed or cancelled project' })
  @ApiNoContentResponse()
  async remove(@CurrentPrincipal() by: Principal, @Id() id: string): Promise<void> {
    await this.deleteProject.execute(by, id);
  }

  @Get(':id/lyrics')
  @LagTolerant()
  @Scopes('projects:read')
  @ApiOperation({ summary: 'Every lyrics version, oldest first' })
  @ApiOkResponse({ type: [LyricsDto] })
  async lyrics(@CurrentPrincipal() by: Principal, @Id() id: string): Promise<LyricsDto[]> {
    return (await this.content.lyricsVersions(by, id)).map(LyricsDto.from);
  }

  @Post(':id/lyrics')
  @Idempotent('project')
  @HttpCode(202)
  @Scopes('projects:write')
  @ApiOperation({ summary: 'Write new lyrics (optionally with hints) instead of the current ones' })
  @ApiAcceptedResponse({ type: ProjectDto })
  async regenerate(
    @CurrentPrincipal() by: Principal,
    @Id() id: string,
    @Body() b: RegenerateLyricsDto,
    @IdempotencyKey() once: Once,
  ): Promise<ProjectDto> {
    return once(async () => this.dto(await this.regenerateLyrics.execute(by, id, b.hints)));
  }

  @Put(':id/lyrics')
  @Scopes('projects:write')
  @ApiOperation({ summary: 'Save your edit of the lyrics as a new version' })
  @ApiOkResponse({ type: LyricsDto })
  async edit(
    @CurrentPrincipal() by: Principal,
    @Id() id: string,
    @Body() b: EditLyricsDto,
  ): Promise<LyricsDto> {
    return LyricsDto.from(await this.editLyrics.execute(by, id, b));
  }

  @Post(':id/lyrics/approve')
  @HttpCode(202)
  @Scopes('projects:write')
  @ApiOperation({ summary: 'Approve a lyrics version: the song is made from it' })
  @ApiAcceptedResponse({ type: ProjectDto })
  async approve(
    @CurrentPrincipal() by: Principal,
    @Id() id: string,
    @Body() b: ApproveLyricsDto,
  ): Promise<ProjectDto> {
    return this.dto(await this.approveLyrics.execute(by, id, b.version));
  }

  @Post(':id/song')
  @Idempotent('project')
  @HttpCode(202)
  @Scopes('projects:write')
  @ApiOperation({
    summary:
      'Make the song from the approved lyrics; asked again while the clips await a pick, makes two new clips',
  })
  @ApiAcceptedResponse({ type: ProjectDto })
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description: 'lyrics not approved yet, or the project is past the song',
  })
  async makeSong(
    @CurrentPrincipal() by: Principal,
    @Id() id: string,
    @Body() _b: MakeSongDto,
    @IdempotencyKey() once: Once,
  ): Promise<ProjectDto> {
    return once(async () => this.dto(await this.makeSongOf.execute(by, id)));
  }

  @Get(':id/song')
  @LagTolerant()
  @Scopes('projects:read')
  @ApiOperation({ summary: "The song's clips with stream and download URLs" })
  @ApiOkResponse({ type: [ClipDto] })
  async clips(@CurrentPrincipal() by: Principal, @Id() id: string): Promise<ClipDto[]> {
    return this.clipView.of(by, id);
  }

  @Post(':id/song/select')
  @HttpCode(202)
  @Scopes('projects:write')
  @ApiOperation({ summary: 'Pick the clip the video is made with' })
  @ApiAcceptedResponse({ type: ProjectDto })
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description:
      'the project is not SONG_READY, or its video is being made (the render keeps the clip it started with)',
  })
  async select(
    @CurrentPrincipal() by: Principal,
    @Id() id: string,
    @Body() b: SelectClipDto,
  ): Promise<ProjectDto> {
    return this.dto(await this.selectClip.execute(by, id, b.clipId));
  }

  @Post(':id/video')
  @Idempotent('project')
  @HttpCode(202)
  @Scopes('projects:write')
  @ApiOperation({
    summary:
      'Render the video from the picked clip with an engine (ffmpeg | creatomate) and template; once DONE, renders it again',
  })
  @ApiAcceptedResponse({ type: ProjectDto })
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description:
      'no clip picked yet, the engine is not configured, the project is not SONG_READY or DONE, or its video is being made (the render keeps the engine and look it started with)',
  })
  async makeVideo(
    @CurrentPrincipal() by: Principal,
    @Id() id: string,
    @Body() b: MakeVideoDto,
    @IdempotencyKey() once: Once,
  ): Promise<ProjectDto> {
    return once(async () => this.dto(await this.makeVideoOf.execute(by, id, b)));
  }

  @Get(':id/video')
  @LagTolerant()
  @Scopes('projects:read')
  @ApiOperation({ summary: 'The video: download URL, thumbnail, duration (404 until it is ready)' })
  @ApiOkResponse({ type: VideoDto })
  async video(@CurrentPrincipal() by: Principal, @Id() id: string): Promise<VideoDto> {
    const v = await this.content.video(by, id);
    this.links.accessed('video', v.blobKey);
    return {
      engine: v.engine,
      durationSec: v.durationSec,
      width: v.width,
      height: v.height,
      downloadUrl: await this.links.download('video', v.blobKey, this.links.videoName(id)),
      thumbnailUrl: v.thumbnailBlobKey
        ? await this.links.view('thumbnails', v.thumbnailBlobKey)
        : null,
    };
  }
}
