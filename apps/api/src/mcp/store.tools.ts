import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import {
  STORE_PHOTO_SOURCES,
  StorePhotoService,
  StoreSearchService,
  StoreService,
} from '@app/domain';
import { StoreDto } from '../stores/store.dto';
import { StorePhotoView } from '../stores/store-photo.view';
import { defineTool, iso, McpTool } from './mcp-tool';

const place = {
  name: z.string(),
  category: z.string().nullable(),
  address: z.string().nullable(),
  roadAddress: z.string().nullable(),
  phone: z.string().nullable(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
};

/** What create_store answers: the REST route's StoreDto (its main fields typed here). */
const store = {
  id: z.string().uuid(),
  ...place,
  source: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
};

const optionalText = (max: number) => z.string().max(max).optional();

/** What add_photo_from_url answers: the REST route's StorePhotoDto. */
const photo = {
  id: z.string().uuid(),
  contentType: z.string().describe('image/jpeg, image/png or image/webp'),
  width: z.number(),
  height: z.number(),
  bytes: z.number(),
  source: z.string().describe(STORE_PHOTO_SOURCES.join(', ')),
  url: z.string().describe('short-lived read URL (15 minutes)'),
  warning: z
    .string()
    .nullable()
    .describe('why the photo may look soft in the video (under 1080 px on its short side)'),
  createdAt: z.string(),
};

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
        input: {
          query: z.string().min(1).max(50).describe('store name, with a place to narrow it'),
        },
        output: {
          source: z.string(),
          items: z.array(z.object({ ...place, link: z.string().nullable() })),
        },
        run: async (_by, { query }) => this.search.find(query),
      }),
      defineTool({
        name: 'create_store',
        title: 'Create a store',
        description:
          'Adds a store (from a search result or entered by hand) that projects are made for. Costs nothing and pays no provider.',
        access: { scopes: ['stores:write'] },
        creates: 'store',
        readOnly: false,
        input: {
          name: z.string().min(1).max(200),
          category: optionalText(200),
          address: optionalText(300),
          roadAddress: optionalText(300),
          phone: z
            .string()
            .regex(/^[0-9+\-() ]{3,40}$/, 'digits, spaces, +, -, ( or ) only')
            .optional(),
          latitude: z.number().min(-90).max(90).optional(),
          longitude: z.number().min(-180).max(180).optional(),
          description: optionalText(2000),
          hours: optionalText(300),
          pitch: optionalText(1000).describe('what the owner wants the jingle to say'),
          source: z.enum(['naver', 'sample', 'manual']).optional(),
          sourceRef: optionalText(500).describe("a search result's link"),
        },
        output: store,
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
        input: {
          storeId: z.string().uuid().describe('one of your stores (create_store)'),
          url: z
            .string()
            .max(2000)
            .regex(/^https?:\/\//i, 'an http(s) URL')
            .describe('a public http(s) image URL'),
        },
        output: photo,
        run: async (by, { storeId, url }) => {
          const added = await this.photoView.of(await this.photos.importUrl(by, storeId, url));
          return { ...added, createdAt: iso(added.createdAt) };
        },
      }),
    ];
  }
}
