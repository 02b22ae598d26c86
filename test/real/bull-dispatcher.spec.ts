import { Test } from '@nestjs/testing';
import Redis from 'ioredis';
import { AppConfig, PROVIDER_NAMES, StepQueues, StepQueuesModule, WorkClaims } from '@app/domain';
import { BullDispatcher } from '../../apps/scheduler/src/work/bull.dispatcher';
import { WorkJob } from '../../apps/scheduler/src/work/work-dispatcher';
import { describeWithServers } from '../harness/binaries';
import { waitFor } from '../harness/ports';
import { RedisServer } from '../harness/redis';

jest.setTimeout(60_000);

/** The claims as the dispatcher gives them back: which were released. */
class RecordedClaims {
  readonly released: string[] = [];
  async releaseClaim(work: WorkJob): Promise<boolean> {
    this.released.push(work.key);
    return true;
  }
}

describeWithServers(['redis-server'], 'the Bull dispatcher on a real Redis', () => {
  const redis = new RedisServer();
  const claims = new RecordedClaims();
  let dispatcher: BullDispatcher;
  let queues: StepQueues;
  let close: () => Promise<void>;
  let n = 0;
  // never started by a worker here (no StepQueueWorker in this module): jobs stay waiting
  const job = (): WorkJob => ({
    kind: 'step',
    id: `p${++n}`,
    leaseOwner: 'sched-1:abc',
    key: `p${n}:poll_song:1`,
    provider: 'song',
  });

  beforeAll(async () => {
    await redis.start();
    const concurrency = Object.fromEntries(PROVIDER_NAMES.map((p) => [p, 2])) as never;
    const config = { pipeline: { concurrency, leaseMs: 90_000 } } as unknown as AppConfig;
    const mod = await Test.createTestingModule({
      imports: [StepQueuesModule.forRoot({ redisUrl: redis.url, concurrency })],
      providers: [
        BullDispatcher,
        { provide: AppConfig, useValue: config },
        { provide: WorkClaims, useValue: claims },
      ],
    }).compile();
    const app = await mod.init();
    dispatcher = app.get(BullDispatcher);
    queues = app.get(StepQueues);
    close = () => app.close();
  });
  afterAll(async () => {
    await close?.();
    await redis.destroy();
  });

  it('adds a job again over a record of the same id that sits in no list (it would never run)', async () => {
    const j = job();
    const queue = queues.of('song');
    await dispatcher.dispatch(j);
    // a run that ended while Redis restarted under it leaves such a record: take it off the list
    const c = new Redis(redis.url);
    await c.lrem(queue.toKey('wait'), 0, j.key);
    expect(await (await queue.getJob(j.key))!.getState()).toBe('stuck');
    await dispatcher.dispatch(j);
    c.disconnect();
    expect(await (await queue.getJob(j.key))!.getState()).toBe('waiting');
  });

  it('leaves a live job alone: a second dispatch of waiting work adds nothing', async () => {
    const j = job();
    await dispatcher.dispatch(j);
    await dispatcher.dispatch(j);
    const waiting = await queues.of('song').getWaiting();
    expect(waiting.filter((w) => w.id === j.key)).toHaveLength(1);
  });

  it('gives back the claims of jobs Redis lost (flushed) that no worker here had started', async () => {
    const lost = job();
    const running = job();
    await dispatcher.dispatch(lost);
    await dispatcher.dispatch(running);
    dispatcher.started(running.key);
    const c = new Redis(redis.url);
    await c.flushall();
    c.disconnect();
    await waitFor(
      'the lost job given back',
      // as the scheduler's ticks do
      async () => (await dispatcher.giveBackLost(), claims.released.includes(lost.key)),
      15_000,
      200,
    );
    // a job running here is not given back: its run goes on and writes back under its lease
    expect(claims.released).not.toContain(running.key);
    // and a job still held by Redis is not given back either
    const held = job();
    await dispatcher.dispatch(held);
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 1100));
      await dispatcher.giveBackLost();
    }
    expect(claims.released).not.toContain(held.key);
  });
});
