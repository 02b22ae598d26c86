import { Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { RedisConnection } from '../redis/redis-connection';

/**
 * A small TTL cache: Redis at stage 3 (shared by every instance), memory otherwise. It never
 * fails a request: with Redis down, reads miss and writes are skipped.
 */
@Injectable()
export class CacheService {
  private readonly redis?: Redis;
  private readonly memory = new Map<string, { value: string; expires: number }>();

  constructor(redis: RedisConnection) {
    this.redis = redis.client;
  }

  /** True when every instance sees the same cache (Redis): only then may our own data be cached. */
  get shared(): boolean {
    return this.redis !== undefined;
  }

  async get<T>(key: string): Promise<T | undefined> {
    try {
      const raw = this.redis
        ? this.redis.status === 'ready'
          ? await this.redis.get(`castad:cache:${key}`)
          : null
        : this.fromMemory(key);
      return raw ? (JSON.parse(raw) as T) : undefined;
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: unknown, ttlSec: number): Promise<void> {
    const raw = JSON.stringify(value);
    try {
      if (this.redis) {
        if (this.redis.status === 'ready')
          await this.redis.set(`castad:cache:${key}`, raw, 'EX', ttlSec);
      } else {
        if (this.memory.size > 10_000) this.memory.clear();
        this.memory.set(key, { value: raw, expires: Date.now() + ttlSec * 1000 });
      }
    } catch {
      /* a cache that cannot write is just a miss next time */
    }
  }

  /** The cached value, or `compute()`'s, cached for `ttlSec` (or for what `ttlSec(value)` says). */
  async remember<T>(
    key: string,
    ttlSec: number | ((value: T) => number),
    compute: () => Promise<T>,
  ): Promise<T> {
    const hit = await this.get<T>(key);
    if (hit !== undefined) return hit;
    const value = await compute();
    await this.set(key, value, typeof ttlSec === 'function' ? ttlSec(value) : ttlSec);
    return value;
  }

  async del(key: string): Promise<void> {
    this.memory.delete(key);
    try {
      if (this.redis?.status === 'ready') await this.redis.del(`castad:cache:${key}`);
    } catch {
      /* see set() */
    }
  }

  private fromMemory(key: string): string | null {
    const e = this.memory.get(key);
    if (!e || e.expires < Date.now()) return null;
    return e.value;
  }
}
