import { Injectable } from '@nestjs/common';
import { RedisConnection } from '@app/domain';

/** Pings the shared Redis when one is configured (stage 3); never blocks on a dead Redis. */
@Injectable()
export class RedisHealth {
  constructor(private readonly redis: RedisConnection) {}

  get configured(): boolean {
    return this.redis.client !== undefined;
  }

  /** Rejects at once while the connection is down (no offline queue): /health/ready says so. */
  async ping(): Promise<void> {
    await this.redis.client?.ping();
  }
}
