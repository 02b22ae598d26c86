import { Controller, Get } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { DatabaseHealth } from '@app/domain';
import { Public } from '../auth/decorators';
import { RedisHealth } from './redis-health';

/**
 * Liveness says the process answers; readiness says it can serve: the primary must be up,
 * while a replica or Redis that is down only degrades it (reads fall back to the primary,
 * the cache is bypassed), so a load balancer keeps sending traffic.
 */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: DatabaseHealth,
    private readonly redis: RedisHealth,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is up and answering' })
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: primary, each replica and Redis (when configured)' })
  @ApiOkResponse({ description: '"ok", or "degraded" when a replica or Redis is down' })
  @ApiServiceUnavailableResponse({ description: 'the primary database is unreachable' })
  ready() {
    return this.health.check([() => this.databases(), () => this.redisIndicator()]);
  }

  private async databases(): Promise<HealthIndicatorResult> {
    const nodes = await this.database.check();
    const result: HealthIndicatorResult = {};
    for (const n of nodes) {
      const session = this.indicators.check(`db:${n.node}`);
      const detail = { error: n.error ?? 'unreachable' };
      Object.assign(
        result,
        n.up
          ? session.up()
          : n.node === 'primary'
            ? session.down(detail)
            : session.degraded(detail),
      );
    }
    return result;
  }

  private async redisIndicator(): Promise<HealthIndicatorResult> {
    if (!this.redis.configured) return {};
    const session = this.indicators.check('redis');
    try {
      await this.redis.ping();
      return session.up();
    } catch (err) {
      return session.degraded({ error: (err as Error).message });
    }
  }
}
