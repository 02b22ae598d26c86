import { Idempotent, IdempotencyKey, Once } from '../http/idempotency';
import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { Principal, StoreSearchService, StoreService } from '@app/domain';
import { CurrentPrincipal, Scopes } from '../auth/decorators';
import { ErrorBodyDto } from '../http/error-body.dto';
import { CursorQuery, decodeCursor, page } from '../http/pagination';
import {
  CreateStoreFromSearchDto,
  ImageCandidateListDto,
  PlaceDetailsDto,
  StoreDto,
  StorePageDto,
  StoreSearchQuery,
  STORE_CREATED_RESPONSE,
  StoreSearchResultDto,
  UpdateStoreDto,
} from './store.dto';
import { LagTolerant } from '../http/lag-tolerant';
import { UuidParam } from '../http/uuid-param';

@ApiTags('stores')
@ApiBearerAuth('bearer')
@ApiSecurity('api-key')
@Controller('v1/stores')
export class StoresController {
  constructor(
    private readonly stores: StoreService,
    private readonly search_: StoreSearchService,
  ) {}

  @Post()
  @Idempotent('store')
  @RouteSchema({ response: STORE_CREATED_RESPONSE })
  @Scopes('stores:write')
  @ApiOperation({ summary: 'Add a store: entered by hand, or from a search result' })
  @ApiCreatedResponse({ type: StoreDto })
  async create(
    @CurrentPrincipal() p: Principal,
    @Body() body: CreateStoreFromSearchDto,
    @IdempotencyKey() once: Once,
  ): Promise<StoreDto> {
    return once(async () => StoreDto.from(await this.stores.create(p, body)));
  }

  @Get('search')
  @Scopes('stores:read')
  @ApiOperation({
    summary: 'Find a store by name (Naver Local Search when configured; up to 5 results, cached)',
  })
  @ApiOkResponse({ type: StoreSearchResultDto })
  async search(@Query() q: StoreSearchQuery): Promise<StoreSearchResultDto> {
    const r = await this.search_.find(q.query);
    return { items: r.items, source: r.source };
  }

  @Get()
  @LagTolerant()
  @Scopes('stores:read')
  @ApiOperation({ summary: 'My stores, newest first (cursor pagination)' })
  @ApiOkResponse({ type: StorePageDto })
  async list(@CurrentPrincipal() p: Principal, @Query() q: CursorQuery): Promise<StorePageDto> {
    const limit = q.limit ?? 20;
    return page(await this.stores.list(p, limit, decodeCursor(q.cursor)), limit, StoreDto.from);
  }

  @Get(':id')
  @LagTolerant()
  @Scopes('stores:read')
  @ApiOperation({ summary: 'One of my stores' })
  @ApiOkResponse({ type: StoreDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'no such store, or not yours' })
  async get(@CurrentPrincipal() p: Principal, @UuidParam('id') id: string): Promise<StoreDto> {
    return StoreDto.from(await this.stores.get(p, id));
  }

  @Get(':id/photo-candidates')
  @Scopes('stores:read')
  @ApiOperation({
    summary:
      'Photos an image search finds for this store (Naver image search; none offline), to import',
  })
  @ApiOkResponse({ type: ImageCandidateListDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'no such store, or not yours' })
  async photoCandidates(
    @CurrentPrincipal() p: Principal,
    @UuidParam('id') id: string,
  ): Promise<ImageCandidateListDto> {
    return this.search_.photoCandidates(await this.stores.get(p, id));
  }

  @Get(':id/place-details')
  @Scopes('stores:read')
  @ApiOperation({
    summary:
      'Menu, hours and photos from the store’s own web page where it publishes them; otherwise available=false with the reason',
  })
  @ApiOkResponse({ type: PlaceDetailsDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'no such store, or not yours' })
  async placeDetails(
    @CurrentPrincipal() p: Principal,
    @UuidParam('id') id: string,
  ): Promise<PlaceDetailsDto> {
    return this.search_.placeDetails(await this.stores.get(p, id));
  }

  @Patch(':id')
  @Scopes('stores:write')
  @ApiOperation({ summary: 'Change one of my stores' })
  @ApiOkResponse({ type: StoreDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'no such store, or not yours' })
  async update(
    @CurrentPrincipal() p: Principal,
    @UuidParam('id') id: string,
    @Body() body: UpdateStoreDto,
  ): Promise<StoreDto> {
    return StoreDto.from(await this.stores.update(p, id, body));
  }
}
