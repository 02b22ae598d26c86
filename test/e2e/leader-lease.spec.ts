import { join } from 'node:path';
import { LeaderLeaseRepository } from '@app/domain/repositories';
import { databaseApp } from '../harness/database-app';
import { removeDir, tempDir } from '../harness/process';

describe('the scheduler leader lease', () => {
  const dir = tempDir('lease');
  let app: Awaited<ReturnType<typeof databaseApp>>;
  let leases: LeaderLeaseRepository;

  beforeAll(async () => {
    app = await databaseApp({ DB_SQLITE_PATH: join(dir, 'lease.sqlite') });
    leases = app.module.get(LeaderLeaseRepository);
  });
  afterAll(async () => {
    await app.close();
    removeDir(dir);
  });

  it('lets exactly one of two contenders lead, renews for the holder, and hands over on expiry', async () => {
    const t0 = new Date('2026-01-01T00:00:00.000Z');
    const both = await Promise.all([
      leases.acquire('s', 'a', 1000, t0),
      leases.acquire('s', 'b', 1000, t0),
    ]);
    expect(both.filter(Boolean)).toHaveLength(1);
    const [winner, loser] = both[0] ? ['a', 'b'] : ['b', 'a'];
    // renewing keeps it; the other still cannot take it before expiry
    expect(await leases.acquire('s', winner, 1000, new Date(t0.getTime() + 900))).toBe(true);
    expect(await leases.acquire('s', loser, 1000, new Date(t0.getTime() + 1500))).toBe(false);
    // the winner stops renewing: after its lease runs out the standby takes over
    expect(await leases.acquire('s', loser, 1000, new Date(t0.getTime() + 2000))).toBe(true);
    expect(await leases.acquire('s', winner, 1000, new Date(t0.getTime() + 2100))).toBe(false);
    expect(await leases.holder('s', new Date(t0.getTime() + 2100))).toBe(loser);
  });

  it('frees the lease at once on release', async () => {
    expect(await leases.acquire('r', 'a', 60_000)).toBe(true);
    expect(await leases.acquire('r', 'b', 60_000)).toBe(false);
    await leases.release('r', 'a');
    expect(await leases.acquire('r', 'b', 60_000)).toBe(true);
  });
});
