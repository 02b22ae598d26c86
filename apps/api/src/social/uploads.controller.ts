import { Idempotent } from '../http/idempotency';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CONTAINS_SYNTHETIC_MEDIA, PublicationService } from '@app/domain';
import { CurrentUserId } from '../auth/decorators';
import { ErrorBodyDto } from '../http/error-body.dto';
import { CreateUploadDto, UploadDraftDto, UploadDto, UploadListDto } from './social.dto';

/** SNS: publishing a finished video to connected accounts. */
@ApiTags('sns')
@ApiBearerAuth('bearer')
@Controller('v1/projects/:id/uploads')
export class UploadsController {
  constructor(private readonly publications: PublicationService) {}

  @Post()
  @Idempotent('publication')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Publish the finished video to one or more connected accounts (runs in the background)',
  })
  @ApiAcceptedResponse({ type: UploadListDto })
  @ApiNotFoundResponse({
    type: ErrorBodyDto,
    description: 'no such project or account, or not yours',
  })
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description: 'the project is not finished, or the platform is not configured',
  })
  async create(
    @CurrentUserId() userId: string,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() b: CreateUploadDto,
  ): Promise<UploadListDto> {
    return { items: (await this.publications.request(userId, id, b)).map(UploadDto.from) };
  }

  @Get('draft')
  @ApiOperation({
    summary:
      'The title and caption to prefill in the publish form; the caption says the song and lyrics are AI-generated',
  })
  @ApiOkResponse({ type: UploadDraftDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'the project is not finished' })
  async draft(
    @CurrentUserId() userId: string,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<UploadDraftDto> {
    const draft = await this.publications.draft(userId, id);
    return { ...draft, containsSyntheticMedia: CONTAINS_SYNTHETIC_MEDIA };
  }

  @Get()
  @ApiOperation({
    summary: 'Where each publication of this project stands, with the post URL once published',
  })
  @ApiOkResponse({ type: UploadListDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async list(
    @CurrentUserId() userId: string,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<UploadListDto> {
    return { items: (await this.publications.list(userId, id)).map(UploadDto.from) };
  }
}
