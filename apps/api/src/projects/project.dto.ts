import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsOptionalNotNull } from '../http/optional-not-null';
import {
  DEFAULT_GENRE,
  DEFAULT_MOOD,
  LYRIC_HINTS_MAX_LENGTH,
  LyricsEntity,
  PROJECT_GENRES,
  PROJECT_KEYWORDS,
  PROJECT_LENGTH_SEC,
  PROJECT_MOODS,
  PROJECT_STATES,
  PROJECT_VIDEO_ENGINES,
  presentedProject,
  ProjectListing,
  ProjectSubState,
  Progress,
  SongEntity,
} from '@app/domain';
import { CursorQuery, PageDto } from '../http/pagination';
import { isoTime } from '../http/iso-time';
import { responseSchemaOf } from '../http/response-schema';

const MOODS = PROJECT_MOODS;
const GENRES = PROJECT_GENRES;
const VIDEO_ENGINES = PROJECT_VIDEO_ENGINES;
const LENGTH = PROJECT_LENGTH_SEC;

/** What the owner chose for a project (ProjectOptions), typed for clients */
export class ProjectOptionsDto {
  @ApiPropertyOptional({ enum: MOODS, enumName: 'Mood' }) mood?: (typeof MOODS)[number];
  @ApiPropertyOptional({ enum: GENRES, enumName: 'Genre' }) genre?: (typeof GENRES)[number];
  @ApiPropertyOptional({ description: 'jingle and video length, seconds' }) lengthSec?: number;
  @ApiPropertyOptional({ type: [String] }) keywords?: string[];
  @ApiPropertyOptional({
    enum: VIDEO_ENGINES,
    enumName: 'VideoEngine',
    description: 'the renderer asked for with POST …/video',
  })
  videoEngine?: (typeof VIDEO_ENGINES)[number];
  @ApiPropertyOptional() templateId?: string;
  @ApiPropertyOptional({ description: 'the hints of the last lyrics regeneration' })
  lyricHints?: string;
}

export class CreateProjectDto {
  @ApiProperty({ format: 'uuid', description: 'one of your stores' }) @IsUUID() storeId: string;
  @ApiPropertyOptional({ enum: MOODS, enumName: 'Mood', default: DEFAULT_MOOD })
  @IsOptionalNotNull()
  @IsIn(MOODS)
  mood?: (typeof MOODS)[number];
  @ApiPropertyOptional({ enum: GENRES, enumName: 'Genre', default: DEFAULT_GENRE })
  @IsOptionalNotNull()
  @IsIn(GENRES)
  genre?: (typeof GENRES)[number];
  @ApiPropertyOptional({
    minimum: LENGTH.min,
    maximum: LENGTH.max,
    default: LENGTH.default,
    description: 'jingle and video length, seconds',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(LENGTH.min)
  @Max(LENGTH.max)
  lengthSec?: number;
  @ApiPropertyOptional({
    type: [String],
    example: ['50년 전통', '가성비'],
    description: `up to ${PROJECT_KEYWORDS.max} words the lyrics should carry`,
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(PROJECT_KEYWORDS.max)
  @IsString({ each: true })
  @MaxLength(PROJECT_KEYWORDS.maxLength, { each: true })
  keywords?: string[];
  @ApiPropertyOptional({
    default: false,
    description: 'run straight through without waiting for lyric approval and clip choice',
  })
  @IsOptionalNotNull()
  @IsBoolean()
  autopilot?: boolean;
}

export class ProjectListQuery extends CursorQuery {
  @ApiPropertyOptional({ enum: PROJECT_STATES })
  @IsOptionalNotNull()
  @IsIn(PROJECT_STATES as unknown as string[])
  state?: string;
}

export class ProgressDto {
  @ApiProperty({ example: 55 }) percent: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 120,
    description:
      "seconds to DONE, from recent step durations (typical ones before any history) and the running step's reported progress; while waiting for the owner, the time the steps left will take; null once FAILED or CANCELLED",
  })
  etaSec: number | null;
  @ApiProperty({
    nullable: true,
    // OpenAPI 3.0: a nullable enum lists null among its values, or null does not validate
    enum: ['owner', 'scheduler', 'budget', null],
    description:
      '"owner": approve the lyrics or pick a clip; "budget": the provider budget of the day is spent; null: running',
  })
  waitingFor: 'owner' | 'scheduler' | 'budget' | null;
}

export class ProjectDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) storeId: string;
  @ApiProperty({
    enum: PROJECT_STATES,
    enumName: 'ProjectState',
    description: 'a finished project rendered again stays DONE (see subState) with its video',
  })
  state: string;
  @ApiProperty({
    nullable: true,
    enum: ['rendering', 're-rendering', null],
    description:
      '"rendering": the video is being made (SONG_READY once the clip is chosen, or VIDEO_SUBMITTED; progress follows the render); "re-rendering": a DONE project renders a new video (progress follows it); its current video stays downloadable until the new one is saved, and a cancel brings it back to DONE with that video',
  })
  subState: ProjectSubState | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'the step running or next (the failed one when FAILED)',
  })
  step: string | null;
  @ApiProperty() autopilot: boolean;
  @ApiProperty({ type: ProjectOptionsDto }) options: ProjectOptionsDto;
  @ApiProperty({ type: ProgressDto }) progress: ProgressDto;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'why the last attempt or the project failed',
  })
  lastError: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;

  static from(p: ProjectListing, progress: Progress): ProjectDto {
    // named rather than spread in: a spread in the middle of the literal built every DTO slowly
    const { state, subState } = presentedProject(p);
    return {
      id: p.id,
      storeId: p.storeId,
      state,
      subState,
      step: p.step,
      autopilot: p.autopilot,
      options: p.options as ProjectOptionsDto,
      progress,
      lastError: p.lastError,
      createdAt: isoTime(p.createdAt),
      updatedAt: isoTime(p.updatedAt),
    };
  }
}

export class ProjectPageDto extends PageDto<ProjectDto> {
  @ApiProperty({ type: [ProjectDto] }) declare items: ProjectDto[];
}

/**
 * Fastify's serializers of a project and of a page of them (fast-json-stringify), from their
 * documented schema: a project's options are what its owner stored, written whole.
 */
export const PROJECT_RESPONSE = { 200: responseSchemaOf(ProjectDto, [ProjectOptionsDto]) };
/** A new project, as POST /v1/projects answers it (202: its work follows in the background). */
export const PROJECT_CREATED_RESPONSE = { 202: PROJECT_RESPONSE[200] };
export const PROJECT_PAGE_RESPONSE = { 200: responseSchemaOf(ProjectPageDto, [ProjectOptionsDto]) };

export class LyricSectionDto {
  @ApiProperty({ enum: ['intro', 'verse', 'pre-chorus', 'chorus', 'bridge', 'outro'] })
  @IsIn(['intro', 'verse', 'pre-chorus', 'chorus', 'bridge', 'outro'])
  name: string;
  @ApiProperty({ type: [String], example: ['해운대 골목 환한 곳', '할매국밥, 그 이름을 불러봐요'] })
  @IsArray()
  @ArrayMinSize(1, { message: '$property must have at least one item' })
  @ArrayMaxSize(8)
  @IsString({ each: true })
  @Matches(/\S/, { each: true, message: 'each line of lines must have words, not only spaces' })
  @MaxLength(40, { each: true })
  lines: string[];
}

export class EditLyricsDto {
  @ApiProperty({ example: '할매국밥의 노래' })
  @IsString()
  @Matches(/\S/, { message: 'title must have words, not only spaces' })
  @MaxLength(80)
  title: string;
  @ApiProperty({
    type: [LyricSectionDto],
    description:
      '1 to 8 sections of 1 to 8 lines (words, not only spaces) of at most 40 characters',
  })
  @IsArray()
  @ArrayMinSize(1, { message: '$property must have at least one item' })
  @ArrayMaxSize(8)
  @ValidateNested({ each: true })
  @Type(() => LyricSectionDto)
  sections: LyricSectionDto[];
}

export class RegenerateLyricsDto {
  @ApiPropertyOptional({ example: '더 신나게, 사투리로', description: 'what to change' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(LYRIC_HINTS_MAX_LENGTH)
  hints?: string;
}

export class ApproveLyricsDto {
  @ApiPropertyOptional({ description: 'which version (default: the latest)', example: 2 })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  version?: number;
}

export class LyricsDto {
  @ApiProperty() version: number;
  @ApiProperty() title: string;
  @ApiProperty({ type: [LyricSectionDto] }) sections: LyricSectionDto[];
  @ApiProperty({ enum: ['openai', 'template', 'edited'] }) source: string;
  @ApiProperty({ nullable: true, type: String }) approvedAt: string | null;
  @ApiProperty() createdAt: string;

  static from(l: LyricsEntity): LyricsDto {
    return {
      version: l.version,
      title: l.title,
      sections: l.sections,
      source: l.source,
      approvedAt: l.approvedAt?.toISOString() ?? null,
      createdAt: l.createdAt.toISOString(),
    };
  }
}

export class SelectClipDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() clipId: string;
}

export class MakeSongDto {}

export class MakeVideoDto {
  @ApiPropertyOptional({
    enum: VIDEO_ENGINES,
    enumName: 'VideoEngine',
    description: 'default: the server’s VIDEO_ENGINE',
  })
  @IsOptionalNotNull()
  @IsIn(VIDEO_ENGINES)
  engine?: (typeof VIDEO_ENGINES)[number];

  @ApiPropertyOptional({
    example: 'warm',
    description:
      'the look: for the ffmpeg engine one of warm, bold, clean (default warm; anything else is a 400); for creatomate a Creatomate template id',
  })
  @IsOptionalNotNull()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,100}$/, {
    message: 'templateId must be 1-100 letters, digits, _ or -',
  })
  templateId?: string;
}

export class ClipDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() durationSec: number;
  @ApiProperty() selected: boolean;
  @ApiProperty({ description: 'short-lived URL to play the clip' }) streamUrl: string;
  @ApiProperty({ description: 'short-lived URL that downloads the clip' }) downloadUrl: string;

  static from(s: SongEntity, streamUrl: string, downloadUrl: string): ClipDto {
    return { id: s.id, durationSec: s.durationSec, selected: s.selected, streamUrl, downloadUrl };
  }
}

export class VideoDto {
  @ApiProperty() engine: string;
  @ApiProperty() durationSec: number;
  @ApiProperty() width: number;
  @ApiProperty() height: number;
  @ApiProperty({ description: 'short-lived URL that downloads the MP4' }) downloadUrl: string;
  @ApiProperty({ nullable: true, type: String }) thumbnailUrl: string | null;
}
