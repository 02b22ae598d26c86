import { z } from 'zod';
import { CreateProjectDto, ProjectDto } from '../projects/project.dto';
import { CreateUploadDto, UploadListDto } from '../social/social.dto';
import { shapeOf } from './dto-schema';

const schemaOf = (dto: Parameters<typeof shapeOf>[0]) =>
  z.toJSONSchema(z.object(shapeOf(dto))) as {
    required?: string[];
    properties: Record<string, any>;
  };

describe('shapeOf: an MCP tool schema from the REST DTO', () => {
  it('takes enums, bounds, formats and optional fields from @ApiProperty', () => {
    const s = schemaOf(CreateProjectDto);
    expect(s.required).toEqual(['storeId']);
    expect(s.properties.storeId).toMatchObject({ type: 'string', format: 'uuid' });
    expect(s.properties.mood.enum).toEqual(['bright', 'calm', 'energetic', 'emotional']);
    expect(s.properties.lengthSec).toMatchObject({ type: 'number', minimum: 15, maximum: 60 });
    expect(s.properties.keywords).toMatchObject({ type: 'array', items: { type: 'string' } });
  });

  it('nests DTOs, arrays of DTOs and nullable fields', () => {
    const project = schemaOf(ProjectDto);
    expect(project.properties.progress.properties.percent).toMatchObject({ type: 'number' });
    expect(project.properties.progress.properties.waitingFor.anyOf).toEqual(
      expect.arrayContaining([{ type: 'null' }]),
    );
    expect(project.properties.lastError.type).toEqual(['string', 'null']);
    const uploads = schemaOf(UploadListDto);
    expect(Object.keys(uploads.properties.items.items.properties)).toEqual(
      expect.arrayContaining(['id', 'state', 'postUrl', 'createdAt']),
    );
    expect(schemaOf(CreateUploadDto).properties.accounts).toMatchObject({
      type: 'array',
      items: { type: 'string', format: 'uuid' },
    });
  });

  it('refuses what the DTO refuses and accepts its answers', () => {
    const create = z.object(shapeOf(CreateProjectDto));
    expect(create.safeParse({ storeId: 'nope' }).success).toBe(false);
    expect(
      create.safeParse({ storeId: '7b0e5d1c-3f7a-4a53-9d43-2b1f0c9e8a61', lengthSec: 90 }).success,
    ).toBe(false);
    expect(
      z.object(shapeOf(UploadListDto)).safeParse({
        items: [
          {
            id: '7b0e5d1c-3f7a-4a53-9d43-2b1f0c9e8a61',
            accountId: '7b0e5d1c-3f7a-4a53-9d43-2b1f0c9e8a61',
            platform: 'youtube',
            state: 'queued',
            title: 't',
            privacy: 'public',
            postUrl: null,
            error: null,
            attempts: 0,
            createdAt: new Date().toISOString(),
          },
        ],
      }).success,
    ).toBe(true);
  });
});
