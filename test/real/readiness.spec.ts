import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig } from '@app/domain';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { describeWithServers } from '../harness/binaries';
import { ReplicatedMariaDb } from '../harness/mariadb';
import { RedisServer } from '../harness/redis';
import { waitFor } from '../harness/ports';

jest.setTimeout(180_000);

describeWithServers(
  ['mariadbd', 'mariadb-install-db', 'redis-server'],
  'readiness at stage 3 on real servers',
  () => {
    const cluster = new ReplicatedMariaDb(1);
    const redis = new RedisServer();
    let app: NestFastifyApplication;

    const ready = async () => {
      const res = await app.inject({ method: 'GET', url: '/health/ready' });
      return { status: res.statusCode, body: res.json() };
    };

    beforeAll(async () => {
      await Promise.all([cluster.start(), redis.start()]);
      const env = cluster.env({
        CASTAD_STAGE: '3',
        REDIS_URL: redis.url,
        DB_MIGRATE_ON_START: 'true',
        DB_NODE_RESTORE_MS: '500',
        LOG_LEVEL: 'silent',
      });
      app = await createApiApp(loadConfig(env, 'api'));
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
    });

    afterAll(async () => {
      await app?.close();
      await Promise.all([cluster.destroy(), redis.destroy()]);
    });

    it('reports the primary, each replica and Redis', async () => {
      const r = await ready();
      expect(r.status).toBe(200);
      expect(r.body.status).toBe('ok');
      expect(r.body.details).toEqual({
        'db:primary': { status: 'up' },
        'db:replica0': { status: 'up' },
        redis: { status: 'up' },
      });
    });

    it('stays ready but "degraded" while Redis is down, and recovers when it is back', async () => {
      await redis.stop();
      const r = await ready();
      expect(r.status).toBe(200);
      expect(r.body.status).toBe('degraded');
      expect(r.body.details.redis.status).toBe('degraded');
      await redis.start();
      await waitFor(
        'redis to be up again',
        async () => (await ready()).body.details.redis.status === 'up',
        20_000,
        250,
      );
    });

    it('stays ready but "degraded" while a replica is down', async () => {
      await cluster.replicas[0].stop();
      try {
        const r = await ready();
        expect(r.status).toBe(200);
        expect(r.body.details['db:replica0'].status).toBe('degraded');
      } finally {
        await cluster.replicas[0].start();
      }
      await waitFor(
        'the replica to be up again',
        async () => (await ready()).body.details['db:replica0'].status === 'up',
        20_000,
        250,
      );
    });

    it('is not ready (503) while the primary is down', async () => {
      await cluster.primary.stop();
      try {
        const r = await ready();
        expect(r.status).toBe(503);
        expect(r.body.details['db:primary'].status).toBe('down');
      } finally {
        await cluster.primary.start();
      }
      await waitFor('ready again', async () => (await ready()).status === 200, 30_000, 250);
    });
  },
);
