import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { StoreSearchService, StoreService } from '@app/domain';
import { StoreDto } from '../stores/store.dto';
import { defineTool, McpTool } from './mcp-tool';

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

/** Stores: find one by name, add one (the REST routes of /v1/stores). */
@Injectable()
export class StoreTools {
  constructor(
    private readonly stores: StoreService,
    private readonly search: StoreSearchService,
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
    ];
  }
}
