import { Body, Controller, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { CallbackLane, ProviderCallback } from '@app/domain';
import { Public } from '../auth/decorators';
import { UuidParam } from '../http/uuid-param';

/**
 * Provider callbacks, one route per lane: the lane's engine reads its own body. They carry no
 * signature, so the URL carries the project's unguessable token; a callback never changes
 * state by itself: it brings the scheduler's poll forward (or hands back a task id a crash
 * made us lose). Answers fast, always the same.
 *
 * The vendor-named paths are the ones sent to providers before the lanes had routes: a task
 * submitted then still calls back there, so they answer the same way.
 */
@ApiExcludeController()
@Public()
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly callback: ProviderCallback) {}

  @Post(['song/:projectId/:token', 'suno/:projectId/:token'])
  @HttpCode(200)
  song(
    @UuidParam('projectId') projectId: string,
    @Param('token') token: string,
    @Query('key') key: string | undefined,
    @Body() body: unknown,
  ): Promise<{ ok: true }> {
    return this.receive('song', projectId, token, key, body);
  }

  @Post(['video/:projectId/:token', 'creatomate/:projectId/:token'])
  @HttpCode(200)
  video(
    @UuidParam('projectId') projectId: string,
    @Param('token') token: string,
    @Query('key') key: string | undefined,
    @Body() body: unknown,
  ): Promise<{ ok: true }> {
    return this.receive('video', projectId, token, key, body);
  }

  private async receive(
    lane: CallbackLane,
    projectId: string,
    token: string,
    key: string | undefined,
    body: unknown,
  ): Promise<{ ok: true }> {
    await this.callback.execute({ lane, projectId, token, key, body });
    return { ok: true };
  }
}
