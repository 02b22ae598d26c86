import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PipelineService } from '@app/domain';
import { Public } from '../auth/decorators';

/**
 * Provider callbacks. They carry no signature, so the URL carries the project's unguessable
 * token; a callback never changes state by itself: it brings the scheduler's poll forward
 * (or hands back a task id a crash made us lose). Answers fast, always the same.
 */
@ApiExcludeController()
@Public()
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly pipeline: PipelineService) {}

  @Post('suno/:id/:token')
  @HttpCode(200)
  async suno(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('token') token: string,
    @Query('key') key: string | undefined,
    @Body() body: unknown,
  ): Promise<{ ok: true }> {
    const taskId = (body as { data?: { task_id?: unknown } })?.data?.task_id;
    await this.pipeline.providerCallback(
      'suno',
      id,
      token,
      key,
      typeof taskId === 'string' ? taskId : undefined,
    );
    return { ok: true };
  }

  @Post('creatomate/:id/:token')
  @HttpCode(200)
  async creatomate(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('token') token: string,
    @Query('key') key: string | undefined,
    @Body() body: unknown,
  ): Promise<{ ok: true }> {
    const renderId = (body as { id?: unknown })?.id;
    await this.pipeline.providerCallback(
      'creatomate',
      id,
      token,
      key,
      typeof renderId === 'string' ? renderId : undefined,
    );
    return { ok: true };
  }
}
