import { basename, dirname } from 'node:path';
import { Controller, Get, HttpException, Param, Query, Req, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import send from '@fastify/send';
import contentDisposition from 'content-disposition';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '@app/domain';
import { BlobStore } from '@app/integrations';
import { Public } from '../auth/decorators';
import { ErrorBodyDto } from '../http/error-body.dto';

const TYPES: Record<string, string> = {
  mp4: 'video/mp4',
  m4a: 'audio/mp4',
  mp3: 'audio/mpeg',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
};

/**
 * The local blob store's read URLs (the embedded stand-in for SAS URLs): valid only with an
 * unexpired signature made by this deployment. Served with Range support (206, 416,
 * Accept-Ranges), so phones can seek in a video and resume a download. Not rate limited: a
 * player issues many range requests, and each URL is signed already (RateLimitGuard).
 */
@ApiTags('files')
@Public()
@Controller('v1/files')
export class FilesController {
  constructor(private readonly blob: BlobStore) {}

  @Get(':container/:key')
  @ApiOperation({
    summary:
      'Download a file through a signed, expiring URL from another response (Range requests answer 206)',
  })
  @ApiProduces('video/mp4', 'audio/mp4', 'image/jpeg')
  @ApiOkResponse({ description: 'the whole file' })
  @ApiResponse({
    status: 206,
    description: 'the part a Range header asked for (Content-Range says which)',
  })
  @ApiResponse({
    status: 416,
    description: 'the Range asked lies outside the file (Content-Range: bytes */size)',
    // the route produces files; its errors are JSON like every other
    content: { 'application/json': { schema: { $ref: getSchemaPath(ErrorBodyDto) } } },
  })
  async get(
    @Param('container') container: string,
    @Param('key') key: string,
    @Query('exp') exp: string,
    @Query('sig') sig: string,
    @Query('name') name: string | undefined,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const file = this.blob.servedFile(container, key, {
      exp: String(exp ?? ''),
      sig: String(sig ?? ''),
      downloadName: name ?? '',
    });
    if (!file) throw new NotFoundError('file not found or link expired');
    // send() takes a URL path: the file name travels encoded, under its own folder as root
    const sent = await send(req.raw, `/${encodeURIComponent(basename(file))}`, {
      root: dirname(file),
      acceptRanges: true,
      cacheControl: false,
      dotfiles: 'deny',
      index: false,
    });
    if (sent.type === 'error') {
      if (sent.statusCode === 404) throw new NotFoundError('file not found or link expired');
      // a range outside the file: the shared error body, with the length it has (RFC 9110)
      if (sent.statusCode === 416) {
        reply.header('Content-Range', sent.headers['Content-Range']);
        throw new HttpException('the Range asked lies outside the file', 416);
      }
      reply.code(sent.statusCode).headers(sent.headers);
      return void reply.send(sent.stream);
    }
    reply.code(sent.statusCode).headers(sent.headers);
    reply.header(
      'Content-Type',
      TYPES[key.slice(key.lastIndexOf('.') + 1).toLowerCase()] ?? 'application/octet-stream',
    );
    reply.header('Cache-Control', 'private, max-age=300');
    // user content: never sniffed into something runnable (nosniff comes from helmet), never
    // scripted even if it were HTML, and named safely (RFC 6266, UTF-8 names included)
    reply.header('Content-Security-Policy', "default-src 'none'; sandbox");
    // a signed link is for use anywhere (a partner's page, the studio opened as localhost while
    // links say 127.0.0.1): helmet's same-origin resource policy would blank it in <img>/<video>
    reply.header('Cross-Origin-Resource-Policy', 'cross-origin');
    reply.header(
      'Content-Disposition',
      name ? contentDisposition(name) : contentDisposition(basename(key), { type: 'inline' }),
    );
    reply.send(sent.stream);
  }
}
