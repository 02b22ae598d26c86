import { randomUUID } from 'node:crypto';
import { IdempotencyScope } from '@app/domain/idempotency/idempotency-scope';
import {
  IDEMPOTENCY_LEASE_MS,
  IdempotencyRepository,
  recordCreated,
} from '@app/domain/repositories';
import { describeWithServers } from '../harness/binaries';
import { databaseApp } from '../harness/database-app';
import { ReplicatedMariaDb } from '../harness/mariadb';

jest.setTimeout(120_000);

type App = Awaited<ReturnType<typeof databaseApp>>;

/** The Idempotency-Key records on real MariaDB: the per-caller bound and the hold on a key. */
describeWithServers(
  ['mariadbd', 'mariadb-install-db'],
  'Idempotency-Key records on MariaDB',
  () => {
    const cluster = new ReplicatedMariaDb(0);
    let app: App;
    let keys: IdempotencyRepository;
    const key = (caller: string, holder: string = randomUUID()) => ({
      id: randomUUID().replace(/-/g, '').padEnd(64, '0'),
      caller,
      requestHash: 'h'.repeat(64),
      limit: 10,
      holder,
    });

    beforeAll(async () => {
      await cluster.start();
      app = await databaseApp(cluster.env({ CASTAD_STAGE: '1', DB_MIGRATE_ON_START: 'false' }));
      await app.dataSource.runMigrations({ transaction: 'each' });
      keys = new IdempotencyRepository(app.router);
    });
    afterAll(async () => {
      await app?.close();
      await cluster.destroy();
    });

    it('holds one caller to its bound when 100 new keys arrive at once', async () => {
      const claims = await Promise.all(
        Array.from({ length: 100 }, () => keys.claim(key('partner:bound'))),
      );
      const kinds = claims.map((c) => c.kind);
      expect(kinds.filter((k) => k === 'first')).toHaveLength(10);
      expect(kinds.filter((k) => k === 'too_many')).toHaveLength(90);
      const [{ n }] = await app.dataSource.query(
        "SELECT COUNT(*) AS n FROM idempotency_keys WHERE caller = 'partner:bound'",
      );
      expect(Number(n)).toBe(10);
      // a place frees when its key lapses, and is taken again
      const later = new Date(Date.now() + IDEMPOTENCY_LEASE_MS + 1000);
      expect((await keys.claim(key('partner:bound'), later)).kind).toBe('first');
    });

    it('lets a retry take over the key of a request whose hold lapsed, and never records both', async () => {
      const dead = key('user:held-up', 'holder-a');
      expect((await keys.claim(dead)).kind).toBe('first');
      // within the hold a retry is told the first still runs
      expect((await keys.claim({ ...dead, holder: 'holder-b' })).kind).toBe('in_progress');
      const lapsed = new Date(Date.now() + IDEMPOTENCY_LEASE_MS + 1000);
      expect((await keys.claim({ ...dead, holder: 'holder-b' }, lapsed)).kind).toBe('first');
      // the first request wakes up: it can neither renew nor record what it created
      expect(await keys.renew(dead.id, 'holder-a')).toBe(false);
      const record = (holder: string) =>
        IdempotencyScope.run({ id: dead.id, holder, statusCode: 201 }, () =>
          app.router.transaction((em) => recordCreated(em, 'store', [`made-by-${holder}`])),
        );
      await expect(record('holder-a')).rejects.toThrow(/a retry with the key took it over/);
      await record('holder-b');
      const [row] = await app.dataSource.query(
        'SELECT holder, resource_ids FROM idempotency_keys WHERE id = ?',
        [dead.id],
      );
      expect(row.holder).toBe('holder-b');
      expect(JSON.parse(row.resource_ids)).toEqual(['made-by-holder-b']);
    });
  },
);
