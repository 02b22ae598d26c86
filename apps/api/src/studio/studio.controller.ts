import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/decorators';

/** The studio's files (apps/api/studio; the build copies them beside the compiled code). */
const STUDIO_DIR = join(__dirname, '..', '..', 'studio');
const ASSETS: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'studio.css': 'text/css; charset=utf-8',
  'studio.js': 'text/javascript; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

/**
 * The studio page at / (on the embedded default; STUDIO_ENABLED elsewhere): static HTML, CSS and
 * one script that call the public API like any client, under the same security headers (its
 * CSP allows no inline script or style, and the page has none). Read once at start-up.
 */
@ApiExcludeController()
@Public()
@Controller()
export class StudioController {
  private readonly files = new Map(
    Object.entries(ASSETS).map(([name, type]) => [
      name,
      { type, body: readFileSync(join(STUDIO_DIR, name)) },
    ]),
  );

  @Get()
  page(@Res() reply: FastifyReply): void {
    this.send(reply, 'index.html');
  }

  @Get('studio/:file')
  asset(@Param('file') file: string, @Res() reply: FastifyReply): void {
    if (file === 'index.html' || !this.files.has(file)) throw new NotFoundException();
    this.send(reply, file);
  }

  private send(reply: FastifyReply, name: string): void {
    const file = this.files.get(name)!;
    // served again after a restart picks up new files; no stale studio against a newer API
    void reply.header('cache-control', 'no-cache').type(file.type).send(file.body);
  }
}
