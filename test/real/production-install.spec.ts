import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { getJson, waitForHttp } from '../harness/app-process';
import { describeWithServers } from '../harness/binaries';
import {
  DOCKERFILE_STEPS,
  installedPackages,
  productionInstall,
} from '../harness/production-install';
import { removeDir } from '../harness/process';
import { RedisServer } from '../harness/redis';
import { StagedStack } from '../harness/staged-stack';

jest.setTimeout(300_000);

/**
 * What we ship, started the way the Dockerfile starts it: the production dependency set, dist/
 * and package.json in a folder of their own (no container engine here: the Dockerfile's steps
 * are followed by hand, see harness/production-install.ts), at stage 3 against real MariaDB
 * (primary + replica), Redis and Azurite, with the fake Suno and Creatomate.
 */
describeWithServers(
  ['mariadbd', 'mariadb-install-db', 'redis-server'],
  'the production install at stage 3',
  () => {
    const redis = new RedisServer();
    let app: string;
    let stack: StagedStack;

    beforeAll(async () => {
      app = productionInstall();
      await redis.start();
      stack = new StagedStack(
        {
          CASTAD_STAGE: '3',
          REDIS_URL: redis.url,
          DISPATCH_DRIVER: 'bull',
          NODE_ENV: 'production',
        },
        app,
      );
      await stack.start(); // runs `migrate` and the partner commands of the shipped CLI, then the API
    });
    afterAll(async () => {
      await stack?.destroy();
      await redis.destroy();
      if (app) removeDir(join(app, '..'));
    });

    it('holds only what the runtime image holds, without the dev tools', () => {
      expect(readdirSync(app).sort()).toEqual([...DOCKERFILE_STEPS.shipped].sort());
      const installed = installedPackages(join(app, 'node_modules'));
      expect(installed).toEqual(
        expect.arrayContaining(['@nestjs/core', 'better-sqlite3', '@azure/storage-blob']),
      );
      // (typescript and prettier do ship: peers of @nestjs/swagger and nest-commander)
      for (const dev of [
        'jest',
        'azurite',
        '@swc/core',
        'eslint',
        '@nestjs/cli',
        'playwright-core',
        'autocannon',
      ])
        expect(installed).not.toContain(dev);
      expect(existsSync(join(app, 'apps'))).toBe(false);
    });

    it('runs the CLI: migrate (nothing left to do) and capacity', () => {
      expect(stack.cli('migrate')).toMatch(/up to date|no pending|nothing/i);
      expect(stack.cli('capacity')).toMatch(/primary/i);
    });

    it('starts the API and the scheduler, answers ready, and takes a project to DONE', async () => {
      const ready = await getJson(`http://127.0.0.1:${stack.apiPort}/health/ready`);
      expect(ready.status).toBe(200);
      const { healthPort } = await stack.startScheduler();
      await waitForHttp(`http://127.0.0.1:${healthPort}/health/ready`);
      const ids = await stack.createProjects(1);
      const final = await stack.waitAll(ids, (s) => s === 'DONE' || s === 'FAILED', 120_000);
      expect(Object.values(final)).toEqual([{ state: 'DONE', lastError: null }]);
      expect(stack.paidCounts(ids)).toEqual({ [ids[0]]: { song: 1, video: 1 } });
    });

    it('does not start from the repository checkout by accident', () => {
      // the processes above ran from the install folder: its dist/ is what the logs name
      const ps = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
      expect(ps).toContain(join(app, 'dist/apps/api/src/main.js'));
    });
  },
);
