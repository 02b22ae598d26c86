import { Idempotent, IdempotencyKey, Once } from '../http/idempotency';
import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { CONTAINS_SYNTHETIC_MEDIA, Principal, PublicationService } from '@app/domain';
import { CurrentPrincipal, Scopes } from '../auth/decorators';
import { ErrorBodyDto } from '../http/error-body.dto';
import { CreateUploadDto, UploadDraftDto, UploadDto, UploadListDto } from './social.dto';
import { UuidParam } from '../http/uuid-param';

/**
 * SNS: publishing a finished video to connected accounts. A partner key with `publish`
 * publishes the partner's videos to the accounts whose owners let that partner publish there.
 */
@ApiTags('sns')
@ApiBearerAuth('bearer')
@ApiSecurity('api-key')
@Scopes('publish')
@Controller('v1/projects/:id/uploads')
export class UploadsController {
  constructor(private readonly publications: PublicationService) {}

  @Post()
  @Idempotent('publication')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Publish the finished video to one or more connected accounts (runs in the background); a partner key (scope publish) only to accounts whose owners let its partner publish there (PUT /v1/social/accounts/{id}/publishing-partner)',
  })
  @ApiAcceptedResponse({ type: UploadListDto })
  @ApiNotFoundResponse({
    type: ErrorBodyDto,
    description:
      'no such project or account, or not yours (for a partner key: an account its owner did not open to the partner)',
  })
  @ApiConflictResponse({
    type: ErrorBodyDto,
    description: 'the project is not finished, or the platform is not configured',
  })
  async create(
    @CurrentPrincipal() by: Principal,
    @UuidParam('id') id: string,
    @Body() b: CreateUploadDto,
    @IdempotencyKey() once: Once,
  ): Promise<UploadListDto> {
    return once(async () => ({
      items: (await this.publications.request(by, id, b)).map(UploadDto.from),
    }));
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
    @CurrentPrincipal() by: Principal,
    @UuidParam('id') id: string,
  ): Promise<UploadDraftDto> {
    const draft = await this.publications.draft(by, id);
    return { ...draft, containsSyntheticMedia: CONTAINS_SYNTHETIC_MEDIA };
  }

  @Get()
  @ApiOperation({
    summary: 'Where each publication of this project stands, with the post URL once published',
  })
  @ApiOkResponse({ type: UploadListDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async list(
    @CurrentPrincipal() by: Principal,
    @UuidParam('id') id: string,
  ): Promise<UploadListDto> {
    return { items: (await this.publications.list(by, id)).map(UploadDto.from) };
  }
}
