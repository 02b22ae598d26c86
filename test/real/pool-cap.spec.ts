import { describeWithServers } from '../harness/binaries';
import { databaseApp } from '../harness/database-app';
import { ReplicatedMariaDb } from '../harness/mariadb';

jest.setTimeout(120_000);

describeWithServers(
  ['mariadbd', 'mariadb-install-db'],
  'per-instance pool cap on a real MariaDB',
  () => {
    const cluster = new ReplicatedMariaDb(0);
    const N = 5;

    beforeAll(() => cluster.start());
    afterAll(() => cluster.destroy());

    it(`never opens more than N=${N} connections under 3N concurrent queries; the rest wait`, async () => {
      const app = await databaseApp(
        cluster.env({
          CASTAD_STAGE: '1',
          DB_POOL_MAX: String(N),
          DB_POOL_IDLE: '2',
          DB_MIGRATE_ON_START: 'true',
        }),
      );
      try {
        let peak = 0;
        let sampling = true;
        const sampler = (async () => {
          while (sampling) {
            peak = Math.max(peak, await cluster.primary.appConnections());
            await new Promise((r) => setTimeout(r, 20));
          }
        })();
        const results = await Promise.allSettled(
          Array.from({ length: 3 * N }, (_, i) =>
            i % 2 === 0
              ? app.router.read((em) => em.query('SELECT SLEEP(0.4) AS s'))
              : app.router.transaction((em) => em.query('SELECT SLEEP(0.4) AS s')),
          ),
        );
        sampling = false;
        await sampler;
        expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
        expect(peak).toBeGreaterThan(0);
        expect(peak).toBeLessThanOrEqual(N);
      } finally {
        await app.close();
      }
    });

    it('applies the stage defaults from the infrastructure table when nothing overrides them', async () => {
      const app = await databaseApp(
        cluster.env({
          CASTAD_STAGE: '3',
          DB_REPLICAS: `127.0.0.1:${cluster.primary.port}`,
          REDIS_URL: 'redis://127.0.0.1:1',
        }),
      );
      try {
        const extra = (
          app.dataSource.options as {
            extra: {
              connectionLimit: number;
              maxIdle: number;
              idleTimeout: number;
              enableKeepAlive: boolean;
            };
          }
        ).extra;
        expect(extra).toMatchObject({
          connectionLimit: 10,
          maxIdle: 5,
          idleTimeout: 270_000,
          enableKeepAlive: true,
        });
      } finally {
        await app.close();
      }
    });

    it("plans capacity with the server's own max_connections (CLI)", async () => {
      const { execFileSync } = await import('node:child_process');
      const out = execFileSync(
        process.execPath,
        ['dist/apps/cli/src/main.js', 'capacity', '--stage', '3', '--api-instances', '8', '--json'],
        {
          env: { PATH: process.env.PATH ?? '', ...cluster.env({ CASTAD_STAGE: '1' }) },
          encoding: 'utf8',
        },
      );
      const [row] = JSON.parse(out);
      expect(row).toMatchObject({
        stage: '3',
        apiInstances: 8,
        'primary total (ours)': 88,
        'primary total (document)': 128,
        max_connections: '300 (server)',
        fits: true,
      });
    });
  },
);
