import { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import Redis from 'ioredis';
import { findBinary } from './binaries';
import { freePort, waitFor } from './ports';
import { removeDir, startProcess, stopProcess, tempDir } from './process';

/**
 * The environment of an app at stage 3 with its steps dispatched through Bull on the Redis at
 * `redisUrl` (the scheduler, its `--worker`s and the API alike).
 */
export function bullStage3Env(redisUrl: string): Record<string, string> {
  return { CASTAD_STAGE: '3', DISPATCH_DRIVER: 'bull', REDIS_URL: redisUrl };
}

/** A throwaway redis-server on its own port, with no persistence. */
export class RedisServer {
  private child?: ChildProcess;
  readonly dir = tempDir('redis');
  port = 0;

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    this.child = startProcess(
      findBinary('redis-server')!,
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        this.dir,
      ],
      join(this.dir, 'redis.log'),
    );
    await waitFor('redis to answer PING', async () => {
      // refused until the server listens: each probe tries once (no reconnecting in the
      // background), and its failure is the rejected connect() below, not an 'error' event
      // ioredis would print as unhandled
      const c = new Redis(this.port, '127.0.0.1', {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      c.on('error', () => undefined);
      try {
        await c.connect();
        return (await c.ping()) === 'PONG';
      } finally {
        c.disconnect();
      }
    });
  }

  async stop(): Promise<void> {
    await stopProcess(this.child);
  }

  async destroy(): Promise<void> {
    await stopProcess(this.child, 'SIGKILL');
    removeDir(this.dir);
  }
}
