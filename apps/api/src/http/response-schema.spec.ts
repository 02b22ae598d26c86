import fastJson from 'fast-json-stringify';
import { STORE_CREATED_RESPONSE, StoreDto } from '../stores/store.dto';
import {
  PROJECT_CREATED_RESPONSE,
  PROJECT_PAGE_RESPONSE,
  PROJECT_RESPONSE,
  ProjectDto,
  ProjectPageDto,
} from '../projects/project.dto';

const CREATED_THEN_UPDATED = {
  createdAt: '2026-12-07T20:00:00.000Z',
  updatedAt: '2026-12-07T20:01:00.000Z',
};

const project = (over: Partial<ProjectDto> = {}): ProjectDto => ({
  id: 'b1f7d3a2-0000-4000-8000-000000000001',
  storeId: 'b1f7d3a2-0000-4000-8000-000000000002',
  state: 'SONG_READY',
  subState: 'rendering',
  step: 'submit_video',
  autopilot: true,
  // what the owner stored, in the order stored, with a key the DTO does not name
  options: {
    keywords: ['50년 "전통"', '가성비'],
    mood: 'bright',
    lengthSec: 30,
    extra: 1,
  } as never,
  progress: { percent: 64, etaSec: 30, waitingFor: null },
  lastError: 'line one\nline "two"',
  ...CREATED_THEN_UPDATED,
  ...over,
});

describe('response serializers built from the documented DTOs', () => {
  it('write a project as JSON.stringify does: every field, nulls, nested options whole', () => {
    const write = fastJson(PROJECT_RESPONSE[200] as never);
    for (const p of [
      project(),
      project({ subState: null, step: null, lastError: null }),
      project({ progress: { percent: 100, etaSec: null, waitingFor: 'owner' } }),
    ]) {
      const written = write(p);
      expect(JSON.parse(written)).toEqual(JSON.parse(JSON.stringify(p)));
      // the same members, each once (no field dropped, none invented)
      expect(Object.keys(JSON.parse(written))).toEqual(Object.keys(p));
    }
  });

  it('write a page of projects with its cursor, null on the last page', () => {
    const write = fastJson(PROJECT_PAGE_RESPONSE[200] as never);
    for (const page of [
      { items: [project(), project({ state: 'DONE', subState: null })], nextCursor: 'abc' },
      { items: [], nextCursor: null },
    ] satisfies ProjectPageDto[])
      expect(JSON.parse(write(page))).toEqual(JSON.parse(JSON.stringify(page)));
  });

  it('write a new project (202) as GET writes it', () => {
    const write = fastJson(PROJECT_CREATED_RESPONSE[202] as never);
    const p = project({ state: 'DRAFT', subState: null, step: null, lastError: null });
    expect(write(p)).toBe(fastJson(PROJECT_RESPONSE[200] as never)(p));
    expect(JSON.parse(write(p))).toEqual(JSON.parse(JSON.stringify(p)));
  });

  it('write a new store as JSON.stringify does: its menu, nulls, every field once', () => {
    const write = fastJson(STORE_CREATED_RESPONSE[201] as never);
    const store: StoreDto = {
      id: 'b1f7d3a2-0000-4000-8000-000000000003',
      name: '해운대 "할매" 국밥',
      category: null,
      address: '부산광역시 해운대구',
      roadAddress: null,
      phone: '051-123-4567',
      latitude: 35.1631,
      longitude: null,
      description: 'line one\nline two',
      menu: [{ name: '돼지국밥', price: '9,000원' }, { name: '수육' }],
      hours: null,
      pitch: null,
      source: 'manual',
      ...CREATED_THEN_UPDATED,
    };
    for (const s of [store, { ...store, menu: null }]) {
      const written = write(s);
      expect(JSON.parse(written)).toEqual(JSON.parse(JSON.stringify(s)));
      expect(Object.keys(JSON.parse(written)).sort()).toEqual(Object.keys(s).sort());
    }
  });

  it('names every property the OpenAPI document gives the DTO, in its order', () => {
    const documented = (
      Reflect.getMetadata('swagger/apiModelPropertiesArray', ProjectDto.prototype) as string[]
    ).map((n) => n.slice(1));
    expect(Object.keys((PROJECT_RESPONSE[200] as { properties: object }).properties)).toEqual(
      documented,
    );
  });
});
