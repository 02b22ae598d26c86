import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { NotFoundError } from '@app/domain';
import { BLOB_CONTAINERS, BlobContainer, BlobStore, LocalBlobStore } from '@app/integrations';
import { Public } from '../auth/decorators';

const TYPES: Record<string, string> = { mp4: 'video/mp4', m4a: 'audio/mp4', mp3: 'audio/mpeg', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

/**
 * The local blob store's read URLs (the embedded stand-in for SAS URLs): valid only with an
 * unexpired signature made by this deployment.
 */
@ApiTags('files')
@Public()
@Controller('v1/files')
export class FilesController {
  constructor(private readonly blob: BlobStore) {}

  @Get(':container/:key')
  @ApiOperation({ summary: 'Download a file through a signed, expiring URL from another response' })
  @ApiProduces('video/mp4', 'audio/mp4', 'image/jpeg')
  async get(@Param('container') container: string, @Param('key') key: string, @Query('exp') exp: string, @Query('sig') sig: string, @Query('name') name: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const store = this.blob;
    if (!(store instanceof LocalBlobStore) || !(BLOB_CONTAINERS as readonly string[]).includes(container) || !store.verify(container, key, Number(exp), String(sig ?? ''), name ?? '')) {
      throw new NotFoundError('file not found or link expired');
    }
    const stream = await store.get(container as BlobContainer, key);
    reply.header('Content-Type', TYPES[key.slice(key.lastIndexOf('.') + 1).toLowerCase()] ?? 'application/octet-stream');
    reply.header('Cache-Control', 'private, max-age=300');
    if (name) reply.header('Content-Disposition', `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
    reply.send(stream);
  }
}
