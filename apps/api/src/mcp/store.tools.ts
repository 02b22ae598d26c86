import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { StorePhotoService, StoreSearchService, StoreService } from '@app/domain';
import {
  CreateStoreFromSearchDto,
  StoreDto,
  StoreSearchQuery,
  StoreSearchResultDto,
} from '../stores/store.dto';
import { ImportPhotoDto, StorePhotoDto } from '../stores/store-photos.controller';
import { StorePhotoView } from '../stores/store-photo.view';
import { defineTool, McpTool } from './mcp-tool';

export const storeId = z.string().uuid().describe('one of your stores (create_store)');

/** Stores: find one by name, add one, add its photos (the REST routes of /v1/stores). */
@Injectable()
export class StoreTools {
  constructor(
    private readonly stores: StoreService,
    private readonly search: StoreSearchService,
    private readonly photos: StorePhotoService,
    private readonly photoView: StorePhotoView,
  ) {}

  list(): McpTool[] {
    return [
      defineTool({
        name: 'search_stores',
        title: 'Search stores',
        description:
          'Finds a store by name (up to 5 candidates) to create it from. Costs nothing: Naver Local Search is free within its daily quota, answers are cached; offline, a bundled sample directory answers.',
        access: { scopes: ['stores:read'] },
        creates: false,
        readOnly: true,
        input: {},
        body: StoreSearchQuery,
        output: StoreSearchResultDto,
        run: async (_by, { query }) => this.search.find(query),
      }),
      defineTool({
        name: 'create_store',
        title: 'Create a store',
        description:
          'Adds a store (from a search result, its `source` and `link` as `sourceRef`, or entered by hand) that projects are made for. Costs nothing and pays no provider.',
        access: { scopes: ['stores:write'] },
        creates: 'store',
        readOnly: false,
        input: {},
        body: CreateStoreFromSearchDto,
        output: StoreDto,
        run: async (by, input) => StoreDto.from(await this.stores.create(by, input)),
      }),
      defineTool({
        name: 'add_photo_from_url',
        title: 'Add a store photo from a URL',
        description:
          'Fetches a public http(s) image (JPEG, PNG or WebP, at least 640 px on its short side) and adds it to one of your stores: the video shows the store’s photos. Private and internal addresses are refused; location and other metadata are removed. Costs nothing and pays no provider (the photo is stored on our side, as on POST /v1/stores/{id}/photos/import).',
        access: { scopes: ['stores:write'] },
        creates: 'photo',
        readOnly: false,
        input: { storeId },
        body: ImportPhotoDto,
        output: StorePhotoDto,
        run: async (by, { storeId, url }) =>
          this.photoView.of(await this.photos.importUrl(by, storeId, url)),
      }),
    ];
  }
}
