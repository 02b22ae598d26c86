import { Idempotent, IdempotencyKey, Once } from '../http/idempotency';
import { firstFile } from '../http/multipart-file';
import { Body, Controller, Delete, Get, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiProperty,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { IsUrl, MaxLength } from 'class-validator';
import {
  InvalidInputError,
  Principal,
  STORE_PHOTO_SOURCES,
  StorePhotoEntity,
  StorePhotoService,
} from '@app/domain';
import { CurrentPrincipal, Scopes } from '../auth/decorators';
import { ErrorBodyDto } from '../http/error-body.dto';
import { LagTolerant } from '../http/lag-tolerant';
import { StorePhotoView } from './store-photo.view';
import { UuidParam } from '../http/uuid-param';

export class StorePhotoDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['image/jpeg', 'image/png', 'image/webp'] }) contentType: string;
  @ApiProperty({ example: 1920 }) width: number;
  @ApiProperty({ example: 1080 }) height: number;
  @ApiProperty({ example: 412345 }) bytes: number;
  @ApiProperty({ enum: STORE_PHOTO_SOURCES }) source: string;
  @ApiProperty({ description: 'short-lived read URL (15 minutes)' }) url: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'for the owner: why the photo may look soft in the video (under 1080 px on its short side, it is enlarged); null when it is large enough. Photos under 640 px are refused (400)',
  })
  warning: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
}

export class StorePhotoListDto {
  @ApiProperty({ type: [StorePhotoDto] }) items: StorePhotoDto[];
}

export class ImportPhotoDto {
  @ApiProperty({
    example: 'https://search.pstatic.net/common/?src=…',
    description: 'a public http(s) image URL, e.g. from GET /v1/stores/{id}/photo-candidates',
  })
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'url must be an http(s) URL' },
  )
  @MaxLength(2000)
  url: string;
}

/** The owner's photos of a store: they are what the video shows. */
@ApiTags('stores')
@ApiBearerAuth('bearer')
@ApiSecurity('api-key')
@Controller('v1/stores/:id/photos')
export class StorePhotosController {
  constructor(
    private readonly photos: StorePhotoService,
    private readonly view: StorePhotoView,
  ) {}

  private dto(p: StorePhotoEntity): Promise<StorePhotoDto> {
    return this.view.of(p);
  }

  @Post()
  @Idempotent('photo')
  @Scopes('stores:write')
  @ApiOperation({
    summary:
      'Upload a photo (multipart field "photo": JPEG, PNG or WebP; location and other metadata are removed)',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['photo'],
      properties: { photo: { type: 'string', format: 'binary' } },
    },
  })
  @ApiCreatedResponse({ type: StorePhotoDto })
  @ApiPayloadTooLargeResponse({ type: ErrorBodyDto, description: 'larger than PHOTO_MAX_BYTES' })
  async upload(
    @CurrentPrincipal() by: Principal,
    @UuidParam('id') id: string,
    @Req() req: FastifyRequest,
    @IdempotencyKey() once: Once,
  ): Promise<StorePhotoDto> {
    return once(async () => {
      if (!req.isMultipart())
        throw new InvalidInputError(
          'send the photo as multipart/form-data in a field named "photo"',
          { field: 'photo' },
        );
      const file = await firstFile(req);
      if (!file || file.fieldname !== 'photo')
        throw new InvalidInputError('the multipart field "photo" with the image file is missing', {
          field: 'photo',
        });
      return this.dto(await this.photos.add(by, id, file.bytes));
    });
  }

  @Post('import')
  @Idempotent('photo')
  @Scopes('stores:write')
  @ApiOperation({
    summary:
      'Import a photo from a public URL (an image search result); private and internal addresses are refused',
  })
  @ApiCreatedResponse({ type: StorePhotoDto })
  async import(
    @CurrentPrincipal() by: Principal,
    @UuidParam('id') id: string,
    @Body() b: ImportPhotoDto,
    @IdempotencyKey() once: Once,
  ): Promise<StorePhotoDto> {
    return once(async () => this.dto(await this.photos.importUrl(by, id, b.url)));
  }

  @Get()
  @LagTolerant()
  @Scopes('stores:read')
  @ApiOperation({ summary: 'The store’s photos, oldest first, with short-lived URLs' })
  @ApiOkResponse({ type: StorePhotoListDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async list(
    @CurrentPrincipal() by: Principal,
    @UuidParam('id') id: string,
  ): Promise<StorePhotoListDto> {
    return { items: await Promise.all((await this.photos.list(by, id)).map((p) => this.dto(p))) };
  }

  @Delete(':photoId')
  @HttpCode(204)
  @Scopes('stores:write')
  @ApiOperation({ summary: 'Delete a photo (its file too)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorBodyDto })
  async remove(
    @CurrentPrincipal() by: Principal,
    @UuidParam('id') id: string,
    @UuidParam('photoId') photoId: string,
  ): Promise<void> {
    await this.photos.remove(by, id, photoId);
  }
}
