import { Injectable, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@app/domain';

/** Pings Redis when one is configured (stage 3); never blocks a request on a dead Redis. */
@Injectable()
export class RedisHealth implements OnModuleDestroy {
  private client?: Redis;

  constructor(config: AppConfig) {
    if (config.redisUrl) {
      this.client = new Redis(config.redisUrl, {
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: 1000,
      });
      this.client.on('error', () => undefined); // reported by /health/ready, not as a crash
    }
  }

  get configured(): boolean {
    return this.client !== undefined;
  }

  async ping(): Promise<void> {
    if (!this.client) return;
    if (this.client.status === 'wait' || this.client.status === 'end') await this.client.connect();
    await this.client.ping();
  }

  async onModuleDestroy(): Promise<void> {
    this.client?.disconnect();
  }
}
