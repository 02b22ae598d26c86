import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { Principal, StoreService } from '@app/domain';
import { CurrentPrincipal, Scopes } from '../auth/decorators';
import { ErrorBodyDto } from '../http/error-body.dto';
import { CursorQuery, decodeCursor, page } from '../http/pagination';
import { CreateStoreDto, StoreDto, StorePageDto, UpdateStoreDto } from './store.dto';

@ApiTags('stores')
@ApiBearerAuth('bearer')
@ApiSecurity('api-key')
@Controller('v1/stores')
export class StoresController {
  constructor(private readonly stores: StoreService) {}

  @Post()
  @Scopes('stores:write')
  @ApiOperation({ summary: 'Add a store entered by hand' })
  @ApiCreatedResponse({ type: StoreDto })
  async create(@CurrentPrincipal() p: Principal, @Body() body: CreateStoreDto): Promise<StoreDto> {
    return StoreDto.from(await this.stores.create(p, body));
  }

  @Get()
  @Scopes('stores:read')
  @ApiOperation({ summary: 'My stores, newest first (cursor pagination)' })
  @ApiOkResponse({ type: StorePageDto })
  async list(@CurrentPrincipal() p: Principal, @Query() q: CursorQuery): Promise<StorePageDto> {
    const limit = q.limit ?? 20;
    return page(await this.stores.list(p, limit, decodeCursor(q.cursor)), limit, StoreDto.from);
  }

  @Get(':id')
  @Scopes('stores:read')
  @ApiOperation({ summary: 'One of my stores' })
  @ApiOkResponse({ type: StoreDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'no such store, or not yours' })
  async get(
    @CurrentPrincipal() p: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<StoreDto> {
    return StoreDto.from(await this.stores.get(p, id));
  }

  @Patch(':id')
  @Scopes('stores:write')
  @ApiOperation({ summary: 'Change one of my stores' })
  @ApiOkResponse({ type: StoreDto })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'no such store, or not yours' })
  async update(
    @CurrentPrincipal() p: Principal,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateStoreDto,
  ): Promise<StoreDto> {
    return StoreDto.from(await this.stores.update(p, id, body));
  }
}
