import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { RedisConnection } from '../../redis/redis-connection';

const CHANNEL = 'castad:project-events';
/** how long a new stream waits for the process's subscription before reading the DB anyway */
const SUBSCRIBE_WAIT_MS = 1000;

/**
 * Redis pub/sub for project events: one publishing and one subscribed connection per process,
 * each opened on first use (the scheduler only publishes; an API process subscribes once for
 * all of its streams). Losing Redis loses no event: the database is the record, and the feed
 * polls it while the subscription is down.
 */
@Injectable()
export class RedisEventChannel implements OnModuleDestroy {
  private readonly logger = new Logger(RedisEventChannel.name);
  private pub?: Redis;
  private sub?: Redis;
  private subscribed?: Promise<void>;
  private closing = false;

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisConnection,
  ) {}

  get enabled(): boolean {
    return this.config.redisUrl !== undefined;
  }

  /** True while published events reach this process. */
  get live(): boolean {
    return this.sub?.status === 'ready';
  }

  publish(payload: string): void {
    if (!this.enabled) return;
    this.pub ??= this.connect('publish', {
      // a publish waits for the connection briefly, then gives up (the feed's DB poll covers it)
      maxRetriesPerRequest: 1,
      commandTimeout: 1000,
    });
    this.pub.publish(CHANNEL, payload).catch((err: Error) => {
      this.logger.warn(`project event not published (${err.message}); streams read it from the DB`);
    });
  }

  /**
   * Calls `onMessage` with every payload published by any process; `onChange` when the
   * subscription comes up or goes down. Resolves once subscribed, or after a short wait.
   */
  subscribe(
    onMessage: (payload: string) => void,
    onChange: (live: boolean) => void,
  ): Promise<void> {
    if (!this.enabled) return Promise.resolve();
    if (!this.subscribed) {
      const sub = this.connect('subscribe', { maxRetriesPerRequest: null });
      this.sub = sub;
      sub.on('message', (_channel: string, payload: string) => onMessage(payload));
      // ioredis subscribes again on every reconnect (autoResubscribe)
      // transitions only: a reconnect attempt that fails closes again, every few seconds
      let live = false;
      sub.on('ready', () => {
        live = true;
        onChange(true);
      });
      sub.on('close', () => {
        // our own disconnect at shutdown is no outage: nothing is polled for it
        if (!live || this.closing) return;
        live = false;
        onChange(false);
      });
      this.subscribed = sub.subscribe(CHANNEL).then(
        () => undefined,
        (err: Error) => this.logger.warn(`project events not subscribed yet (${err.message})`),
      );
    }
    return Promise.race([
      this.subscribed,
      new Promise<void>((ok) => setTimeout(ok, SUBSCRIBE_WAIT_MS).unref()),
    ]);
  }

  private connect(
    purpose: string,
    opts: { maxRetriesPerRequest: number | null; commandTimeout?: number },
  ): Redis {
    return this.redis.connect(`events-${purpose}`, opts);
  }

  onModuleDestroy(): void {
    this.closing = true;
    this.pub?.disconnect();
    this.sub?.disconnect();
  }
}
