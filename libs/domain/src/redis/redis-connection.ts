import { Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { AppConfig } from '../config/app-config';

/**
 * The process's Redis (stage 3; none without REDIS_URL): one shared command connection for the
 * cache, the rate limiter and the readiness check, made to fail fast (no offline queue, no
 * retries, 1 s to connect) so a dead Redis never holds a request up; and dedicated connections
 * for what cannot share one (a pub/sub subscriber). Bull keeps its own, per queue.
 */
@Injectable()
export class RedisConnection implements OnModuleDestroy {
  /** the shared command connection; undefined without REDIS_URL */
  readonly client?: Redis;
  private readonly dedicated: Redis[] = [];

  constructor(private readonly config: AppConfig) {
    if (config.redisUrl) {
      this.client = new Redis(config.redisUrl, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        connectTimeout: 1000,
        connectionName: 'castad',
      });
      // an unreachable Redis is reported by /health/ready and degrades to memory, not a crash
      this.client.on('error', () => undefined);
    }
  }

  /** True while the shared connection can take a command now. */
  get ready(): boolean {
    return this.client?.status === 'ready';
  }

  /** A connection of its own (named `castad-<purpose>`), closed with the process. */
  connect(purpose: string, opts: RedisOptions = {}): Redis {
    const c = new Redis(this.config.redisUrl!, {
      connectTimeout: 1000,
      connectionName: `castad-${purpose}`,
      ...opts,
    });
    c.on('error', () => undefined);
    this.dedicated.push(c);
    return c;
  }

  onModuleDestroy(): void {
    this.client?.disconnect();
    for (const c of this.dedicated) c.disconnect();
  }
}
