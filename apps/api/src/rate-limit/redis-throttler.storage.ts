import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import type Redis from 'ioredis';
import { RedisConnection } from '@app/domain';

// one round trip: count the hit, start its window, and block past the limit
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then return {hits, ttl, 1, blocked} end
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return {hits, ttl, 1, tonumber(ARGV[3])}
end
return {hits, ttl, 0, 0}`;

/**
 * The same fixed window as the Redis script, in this process's memory: one counter per key
 * (the library's memory storage keeps every hit's timestamp and filters them on each request,
 * which costs O(requests in the window) per request under load).
 */
class MemoryWindows {
  private readonly windows = new Map<
    string,
    { hits: number; endsAt: number; blockedUntil: number }
  >();
  private readonly sweeper = setInterval(() => this.sweep(), 60_000).unref();

  increment(key: string, ttlMs: number, limit: number, blockMs: number): ThrottlerStorageRecord {
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || (w.endsAt <= now && w.blockedUntil <= now)) {
      w = { hits: 0, endsAt: now + ttlMs, blockedUntil: 0 };
      this.windows.set(key, w);
    } else if (w.endsAt <= now) {
      w.hits = 0;
      w.endsAt = now + ttlMs;
    }
    w.hits++;
    if (w.blockedUntil <= now && w.hits > limit) w.blockedUntil = now + blockMs;
    const blocked = w.blockedUntil > now;
    return {
      totalHits: w.hits,
      timeToExpire: Math.ceil((w.endsAt - now) / 1000),
      isBlocked: blocked,
      timeToBlockExpire: blocked ? Math.ceil((w.blockedUntil - now) / 1000) : 0,
    };
  }

  private sweep(): void {
    const now = Date.now();
    for (const [k, w] of this.windows)
      if (w.endsAt <= now && w.blockedUntil <= now) this.windows.delete(k);
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}

/**
 * Rate-limit counters shared by every API instance through Redis (stage 3), so a client over
 * its limit is refused whichever instance it reaches. If Redis is down, each instance counts
 * on its own in memory until Redis is back: limits loosen, requests keep being served.
 * (Written here because the maintained Redis storage for @nestjs/throttler does not support
 * NestJS 12 yet.)
 */
@Injectable()
export class ResilientThrottlerStorage implements ThrottlerStorage, OnModuleDestroy {
  private readonly logger = new Logger(ResilientThrottlerStorage.name);
  private readonly memory = new MemoryWindows();
  private readonly redis?: Redis;
  private warned = false;

  constructor(redis: RedisConnection) {
    this.redis = redis.client;
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    if (this.redis && this.redis.status === 'ready') {
      try {
        const [hits, ttlMs, blocked, blockMs] = (await this.redis.eval(
          INCREMENT,
          2,
          `castad:rl:${throttlerName}:${key}`,
          `castad:rl:${throttlerName}:${key}:blocked`,
          ttl,
          limit,
          blockDuration,
        )) as number[];
        this.warned = false;
        return {
          totalHits: hits,
          timeToExpire: Math.ceil(Math.max(ttlMs, 0) / 1000),
          isBlocked: blocked === 1,
          timeToBlockExpire: Math.ceil(blockMs / 1000),
        };
      } catch {
        /* fall through to memory */
      }
    }
    if (this.redis && !this.warned) {
      this.warned = true;
      this.logger.warn('Redis unavailable: rate limits are counted per instance until it is back');
    }
    return this.memory.increment(`${throttlerName}:${key}`, ttl, limit, blockDuration);
  }

  onModuleDestroy(): void {
    this.memory.close();
  }
}
